package io.tileinfer.api;

import io.tileinfer.core.output.TilePrediction;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.raster.DataType;
import io.tileinfer.raster.RasterWriter;
import io.tileinfer.raster.Window;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A tile's prediction as a GeoTIFF (a COG) on the input's grid and CRS, laid out like batch's prediction rasters:
 * band 1 the class map, then one percent-probability band per class, 255 = nodata. GDAL's COG driver writes through
 * a scratch file, so this uses a private temporary directory, deleted before returning.
 */
final class PredictionTiff {

    private PredictionTiff() {
    }

    static byte[] encode(Scene scene, TileInference.Result result, ServedModel served) {
        TilePrediction prediction = result.prediction();
        List<String> bandNames = new ArrayList<>(List.of("class"));
        served.card().classes().forEach(c -> bandNames.add("p_" + c.name() + " (percent)"));
        Window window = new Window(0, 0, scene.width(), scene.height());
        Path dir = null;
        try {
            dir = Files.createTempDirectory("tileinfer-api-");
            Path target = dir.resolve("prediction.tif");
            try (RasterWriter writer = RasterWriter.create(dir.resolve("scratch.tif"), scene.width(), scene.height(),
                    bandNames.size(), DataType.BYTE, scene.transform(), scene.crs(), (double) TilePrediction.NODATA)) {
                for (int b = 0; b < bandNames.size(); b++) {
                    writer.setBandDescription(b + 1, bandNames.get(b));
                    writer.write(window, b + 1, prediction.bands()[b]);
                }
                writer.setMetadata("TILEINFER_MODEL_VERSION", served.id());
                writer.setMetadata("TILEINFER_CLASSES", served.card().classes().stream()
                        .map(c -> c.value() + "=" + c.name()).collect(Collectors.joining(",")));
                writer.setMetadata("TILEINFER_INPUT_SHA256", result.input().inputSha256());
                writer.finishCog(target);
            }
            return Files.readAllBytes(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the prediction GeoTIFF in a temporary directory", e);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // Only a leftover empty temporary directory: nothing to report to the client.
        }
    }
}
