package io.tileinfer.api;

import io.tileinfer.core.config.SceneSpec;
import io.tileinfer.core.scene.Expectations;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.scene.SceneInspector;
import io.tileinfer.core.scene.ValidationIssue;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileData;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.core.tile.TileReader;
import io.tileinfer.raster.MemoryFile;
import io.tileinfer.raster.RasterException;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An uploaded GeoTIFF tile through batch's steps: {@link SceneInspector} against the model (band count, data type,
 * CRS when configured, an intact and readable file), one whole-tile {@link TileGrid} with halo 0, {@link TileReader},
 * then {@link TileInference}. The file is held in GDAL's memory file system and never written to disk.
 */
final class GeoTiffPredictor {

    /** Checks that fail because the bytes are no usable GeoTIFF (400) rather than a GeoTIFF the model cannot take (422). */
    private static final Set<String> CORRUPT = Set.of("readable", "integrity");

    /** The validated tile, its prediction and, when asked for, the prediction as a GeoTIFF. */
    record Outcome(Scene scene, TileInference.Result result, byte[] geoTiff) {
    }

    private final ApiContext context;
    private final Expectations expectations;

    GeoTiffPredictor(ApiContext context) {
        this.context = context;
        // No acquisition time is needed to predict one tile; batch needs it for its records.
        this.expectations = Expectations.forModel(context.served().card(), context.settings().crs(),
                Set.of("acquisition-time"));
    }

    /**
     * Runs on an inference worker: GDAL and ONNX Runtime are native calls. {@code sunElevation} (degrees; may be
     * null) is the request's, for a model with sun-angle-corrected bands; without it the file's acquisition time and
     * place give it, as for a scene.
     */
    Outcome predict(Upload upload, boolean geoTiff, Double sunElevation) {
        try (MemoryFile file = MemoryFile.of(upload.bytes(), upload.fileName())) {
            SceneInspector.Inspection inspection = SceneInspector.inspect(
                    new SceneSpec("upload", file.path(), null, null, null, null, null, sunElevation), expectations);
            if (!inspection.valid()) {
                throw rejected(inspection.issues(), file.path(), upload.fileName());
            }
            Scene scene = inspection.scene();
            int size = tileSize(scene, upload.fileName());
            Tile tile = new TileGrid(scene.width(), scene.height(), size, 0).tiles(scene.id()).getFirst();
            TileData data;
            try (TileReader reader = new TileReader(scene, size)) {
                data = reader.read(tile);
            } catch (RasterException e) {
                throw new ApiException(400, "corrupt", e.getMessage().replace(file.path(), upload.fileName()));
            }
            TileInference.Result result = context.inference().infer(data, size,
                    context.served().model().scaling(scene.sunElevation()));
            byte[] tiff = geoTiff ? PredictionTiff.encode(scene, result, context.served()) : null;
            return new Outcome(scene, result, tiff);
        }
    }

    /** The whole upload is one tile: square, of its larger side (or the model's fixed input size). */
    private int tileSize(Scene scene, String fileName) {
        int maxSide = context.settings().maxTileSide();
        int fixedSide = context.served().fixedSide();
        int limit = fixedSide > 0 ? Math.min(fixedSide, maxSide) : maxSide;
        if (scene.width() > limit || scene.height() > limit) {
            throw ApiException.unprocessable(fileName + ": size: found " + scene.width() + " x " + scene.height()
                    + " pixels, expected at most " + limit + " x " + limit + " (" + (limit == fixedSide
                    ? "the model's input size" : "the server's --max-tile-side") + "): cut the scene into tiles");
        }
        return Math.max(fixedSide, Math.max(scene.width(), scene.height()));
    }

    /**
     * A missing sun elevation in an upload's words: a tile has no configuration, item or MTL.txt, only its DATETIME
     * tag, or the query parameter.
     */
    private static ValidationIssue forUpload(ValidationIssue issue) {
        if (!issue.check().equals("sun-elevation")) {
            return issue;
        }
        String found = issue.found().startsWith("none") ? "none (no DATETIME tag to compute it from)" : issue.found();
        return new ValidationIssue(issue.file(), issue.check(), found, issue.expected()
                + ", as the query parameter ?sun_elevation=<degrees>");
    }

    private static ApiException rejected(List<ValidationIssue> issues, String memoryPath, String fileName) {
        boolean corrupt = issues.stream().anyMatch(issue -> CORRUPT.contains(issue.check()));
        String message = issues.stream().map(GeoTiffPredictor::forUpload).map(ValidationIssue::message)
                .collect(Collectors.joining("; ")).replace(memoryPath, fileName);
        return corrupt ? new ApiException(400, "corrupt", message) : ApiException.unprocessable(message);
    }
}
