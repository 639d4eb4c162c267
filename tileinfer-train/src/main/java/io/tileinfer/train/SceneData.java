package io.tileinfer.train;

import io.tileinfer.model.Sha256;
import io.tileinfer.model.TrainingFile;
import io.tileinfer.raster.DataType;
import io.tileinfer.raster.RasterException;
import io.tileinfer.raster.RasterInfo;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.Window;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Landsat 8 scene in memory: raw band values (band-sequential, {@code raw[b * pixels + row * width + col]}),
 * a label per pixel ({@link CloudLabels}) and the files read, with their SHA-256.
 */
record SceneData(int width, int height, float[] raw, byte[] labels, List<TrainingFile> files) {

    int pixels() {
        return width * height;
    }

    /**
     * Reads {@code <band>.tif} for each of the configuration's bands, the quality band and, for provenance, the
     * metadata file. A file that cannot be used is named with the configuration's field that led to it.
     */
    static SceneData load(TrainConfig config) {
        Path directory = config.sceneDirectory();
        if (!Files.isDirectory(directory)) {
            throw error(config, "scene.directory", directory + ": no such scene directory (scripts/fetch-sample-data "
                    + "links the sample data to data/sample)");
        }
        List<TrainingFile> files = new ArrayList<>();
        Band quality = Band.read(config, "scene.labels", directory.resolve(config.labelsFile()));
        files.add(trainingFile(directory, quality.path()));
        int pixels = quality.values().length;
        List<String> bands = config.bands();
        float[] raw = new float[bands.size() * pixels];
        for (int b = 0; b < bands.size(); b++) {
            String field = "scene.bands[" + b + "]";
            Band band = Band.read(config, field, directory.resolve(bands.get(b) + ".tif"));
            if (band.width() != quality.width() || band.height() != quality.height()) {
                throw error(config, field, band.path() + ": " + band.width() + "x" + band.height() + " pixels, "
                        + "expected " + quality.width() + "x" + quality.height() + " like " + config.labelsFile()
                        + " (the bands must share the 30 m grid)");
            }
            System.arraycopy(band.values(), 0, raw, b * pixels, pixels);
            files.add(trainingFile(directory, band.path()));
        }
        Path metadataFile = config.metadataFile();
        if (!Files.isRegularFile(metadataFile)) {
            throw error(config, "scene.metadata", metadataFile + ": no such file (the scene's MTL.txt, or the lines "
                    + "of it with the rescaling coefficients)");
        }
        files.add(new TrainingFile(metadataFile.getFileName().toString(), Sha256.ofFile(metadataFile)));
        byte[] labels = new byte[pixels];
        for (int i = 0; i < pixels; i++) {
            labels[i] = CloudLabels.fromQuality((int) quality.values()[i]);
        }
        return new SceneData(quality.width(), quality.height(), raw, labels, files);
    }

    private static TrainingException error(TrainConfig config, String field, String problem) {
        return new TrainingException(config.file() + ": " + field + ": " + problem);
    }

    private static TrainingFile trainingFile(Path directory, Path file) {
        // Named by scene directory and file, not by absolute path: the card must not depend on the checkout.
        return new TrainingFile(directory.getFileName() + "/" + file.getFileName(), Sha256.ofFile(file));
    }

    /** One single-band uint16 GeoTIFF, read whole. */
    private record Band(Path path, int width, int height, float[] values) {

        /** @param field the configuration's field that names the file */
        static Band read(TrainConfig config, String field, Path path) {
            try (RasterReader reader = RasterReader.open(path.toString())) {
                RasterInfo info = reader.info();
                if (info.bandCount() != 1 || info.bands().getFirst().dataType() != DataType.UINT16) {
                    throw error(config, field, path + ": expected one uint16 band (Landsat 8 Level-1), found "
                            + info.bandCount() + " band(s) of " + info.bands().getFirst().dataType().stacName());
                }
                float[] values = new float[Math.multiplyExact(info.width(), info.height())];
                reader.read(new Window(0, 0, info.width(), info.height()), new int[]{1}, values);
                return new Band(path, info.width(), info.height(), values);
            } catch (RasterException e) {
                throw new TrainingException(config.file() + ": " + field + ": " + e.getMessage(), e);
            }
        }
    }
}
