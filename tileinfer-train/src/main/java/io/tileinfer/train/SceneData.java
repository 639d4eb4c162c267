package io.tileinfer.train;

import io.tileinfer.model.Sha256;
import io.tileinfer.model.TrainingFile;
import io.tileinfer.raster.DataType;
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

    /** Reads {@code <band>.tif} for each band, the quality band and, for provenance, the metadata file. */
    static SceneData load(Path directory, List<String> bands, String labelsFile, Path metadataFile) {
        if (!Files.isDirectory(directory)) {
            throw new TrainingException(directory + ": no such scene directory (scripts/fetch-sample-data "
                    + "links the sample data to data/sample)");
        }
        List<TrainingFile> files = new ArrayList<>();
        Band quality = Band.read(directory.resolve(labelsFile));
        files.add(trainingFile(directory, quality.path()));
        int pixels = quality.values().length;
        float[] raw = new float[bands.size() * pixels];
        for (int b = 0; b < bands.size(); b++) {
            Band band = Band.read(directory.resolve(bands.get(b) + ".tif"));
            if (band.width() != quality.width() || band.height() != quality.height()) {
                throw new TrainingException(band.path() + ": " + band.width() + "x" + band.height() + " pixels, "
                        + "expected " + quality.width() + "x" + quality.height() + " like " + labelsFile
                        + " (the bands must share the 30 m grid)");
            }
            System.arraycopy(band.values(), 0, raw, b * pixels, pixels);
            files.add(trainingFile(directory, band.path()));
        }
        files.add(new TrainingFile(metadataFile.getFileName().toString(), Sha256.ofFile(metadataFile)));
        byte[] labels = new byte[pixels];
        for (int i = 0; i < pixels; i++) {
            labels[i] = CloudLabels.fromQuality((int) quality.values()[i]);
        }
        return new SceneData(quality.width(), quality.height(), raw, labels, files);
    }

    private static TrainingFile trainingFile(Path directory, Path file) {
        // Named by scene directory and file, not by absolute path: the card must not depend on the checkout.
        return new TrainingFile(directory.getFileName() + "/" + file.getFileName(), Sha256.ofFile(file));
    }

    /** One single-band uint16 GeoTIFF, read whole. */
    private record Band(Path path, int width, int height, float[] values) {

        static Band read(Path path) {
            try (RasterReader reader = RasterReader.open(path.toString())) {
                RasterInfo info = reader.info();
                if (info.bandCount() != 1 || info.bands().getFirst().dataType() != DataType.UINT16) {
                    throw new TrainingException(path + ": expected one uint16 band (Landsat 8 Level-1), found "
                            + info.bandCount() + " band(s) of " + info.bands().getFirst().dataType().stacName());
                }
                float[] values = new float[Math.multiplyExact(info.width(), info.height())];
                reader.read(new Window(0, 0, info.width(), info.height()), new int[]{1}, values);
                return new Band(path, info.width(), info.height(), values);
            }
        }
    }
}
