package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tileinfer.core.output.Quicklook;
import io.tileinfer.model.BandSpec;
import io.tileinfer.model.ModelCard;
import io.tileinfer.raster.RasterException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The page's two pictures of a scene, rendered on request from reads through the overviews: the imagery (the
 * map's background: there is no internet basemap) and the prediction's classes, transparent where there is none,
 * drawn over it with the page's opacity slider.
 */
final class ScenePictures {

    private final WebPageData data;

    ScenePictures(WebPageData data) {
        this.data = data;
    }

    /** The picture's entity tag: its kind and size and the scene raster's SHA-256; null when none is recorded. */
    String etag(String runId, String sceneId, String kind, int side) {
        String sha = data.scene(runId, sceneId).scene().outputSha256();
        return sha == null ? null : "\"" + kind + "-" + side + "-" + sha + "\"";
    }

    byte[] prediction(String runId, String sceneId, int side) {
        WebPageData.SceneRef ref = data.scene(runId, sceneId);
        try {
            Quicklook.Size size = Quicklook.size(ref.output(), side);
            return Quicklook.png(Quicklook.classes(ref.output(), data.classes(ref), size));
        } catch (RasterException unreadable) {
            throw unreadable(runId, sceneId, "prediction raster", unreadable);
        }
    }

    /**
     * The scene's input bands as the run's manifest lists them, at the prediction raster's size (the inputs share
     * its grid).
     */
    byte[] imagery(String runId, String sceneId, int side) {
        WebPageData.SceneRef ref = data.scene(runId, sceneId);
        List<Quicklook.ImageryBand> bands = inputBands(ref);
        if (bands.isEmpty()) {
            throw ApiException.notFound("run " + runId + ": the manifest names no local input of scene " + sceneId);
        }
        try {
            return Quicklook.png(Quicklook.imagery(bands, Quicklook.size(ref.output(), side)));
        } catch (RasterException unreadable) {
            // damaged inputs (often why tiles failed): the page goes on without a background
            throw unreadable(runId, sceneId, "imagery", unreadable);
        }
    }

    private static ApiException unreadable(String runId, String sceneId, String what, RasterException cause) {
        return new ApiException(422, "unreadable", "scene " + sceneId + " of run " + runId + ": its " + what
                + " cannot be read: " + cause.getMessage());
    }

    /**
     * One entry per model band, as batch read them: as the manifest's {@code bands} say (file, band and nodata in
     * effect, in the model's order); for a manifest written before it had them, one single-band file per band, or the
     * bands of one file by position, from its inputs, which it lists in the model's band order.
     */
    private List<Quicklook.ImageryBand> inputBands(WebPageData.SceneRef ref) {
        Optional<JsonNode> manifest = data.manifest(ref.run());
        List<String> inputs = new ArrayList<>();
        List<Quicklook.ImageryBand> read = new ArrayList<>();
        manifest.ifPresent(m -> m.path("scenes").forEach(scene -> {
            if (scene.path("id").asText().equals(ref.scene().sceneId())) {
                scene.path("inputs").forEach(input -> inputs.add(input.path("path").asText()));
                scene.path("bands").forEach(band -> read.add(new Quicklook.ImageryBand(band.path("path").asText(),
                        band.path("band").asInt(), band.hasNonNull("nodata") ? band.get("nodata").asDouble() : null)));
            }
        }));
        inputs.removeIf(ScenePictures::notALocalFile);
        List<BandSpec> card = data.card(ref.run().modelVersion()).map(ModelCard::bands).orElse(List.of());
        if (!read.isEmpty() && read.size() == card.size()
                && read.stream().noneMatch(band -> notALocalFile(band.location()))) {
            return Quicklook.displayBands(card, read);
        }
        List<Quicklook.ImageryBand> bands = new ArrayList<>();
        if (inputs.size() == 1) {
            for (int band = 1; band <= Math.max(1, card.size()); band++) {
                bands.add(new Quicklook.ImageryBand(inputs.getFirst(), band));
            }
            if (card.isEmpty()) {
                return bands;
            }
        } else {
            inputs.forEach(input -> bands.add(new Quicklook.ImageryBand(input, 1)));
        }
        return card.size() == bands.size() ? Quicklook.displayBands(card, bands) : bands.subList(0, Math.min(1,
                bands.size()));
    }

    private static boolean notALocalFile(String path) {
        return path.contains("://") || !Files.isRegularFile(Path.of(path));
    }
}
