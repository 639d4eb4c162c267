package io.tileinfer.core.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.tileinfer.core.AtomicFiles;
import io.tileinfer.core.scene.ValidationIssue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a run did and from what: the provenance record written as {@code manifest.json} in the run directory.
 *
 * @param startedAt when the run's first attempt started, as its row in the store says
 * @param resumedAt when this attempt started, for a run resumed (absent for a run done in one attempt); the stage
 *                  timings are this attempt's
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(String runId, String status, Instant startedAt, Instant finishedAt, Instant resumedAt,
                       Software software,
                       Config config, Model model, Tiling tiling, Counts counts, Map<String, Long> failuresByCause,
                       Map<String, Map<String, Number>> stageTimings, List<SceneEntry> scenes,
                       List<FileEntry> outputs) {

    public record Software(String tileinfer, String codeVersion, String gdal, String java) {
    }

    public record Config(String path, String sha256, String text) {
    }

    public record Model(String version, String name, String onnxSha256, String alias) {
    }

    /** The tiling the run used (the configuration's, else the model card's size and halo). */
    public record Tiling(int size, int halo, String stitch, int overlap) {
    }

    public record Counts(long tiles, long done, long skipped, long failed, long scenes, long scenesFailed) {
    }

    /**
     * One scene: {@code bands} says how each of the model's bands was read (file, band, nodata in effect), in the
     * model's order; {@code output} is its prediction COG, {@code quicklook} the PNG and {@code stacItem} the STAC Item
     * beside it, all relative to the run directory; each is absent when it was not written (a failed scene; a
     * quicklook or item that could not be made; bands before this field was written). {@code sunElevation} is the
     * one the model's sun-angle-corrected bands were divided by (degrees), and {@code sunElevationSource} where it
     * came from; both absent for a model without such bands.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SceneEntry(String id, String status, List<ValidationIssue> issues, Instant acquired,
                             Instant acquiredUntil, Double sunElevation, String sunElevationSource, Integer width,
                             Integer height, String crs, Counts tiles,
                             List<FileEntry> inputs, List<BandEntry> bands, FileEntry output, FileEntry quicklook,
                             FileEntry stacItem) {
    }

    /**
     * A model band as the scene's file fed it: {@code band} of {@code path} (1-based), masked where it is
     * {@code nodata} (the configuration's, the file's or the model card's; absent when none).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BandEntry(String name, String path, int band, Double nodata) {
    }

    public record FileEntry(String path, String sha256) {
    }

    /** The manifest's file name in the run directory. */
    public static final String FILE = "manifest.json";

    /** The paths of {@link #outputs}, relative to the run directory. */
    @JsonIgnore
    public List<String> outputPaths() {
        return outputs.stream().map(FileEntry::path).toList();
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Written to a temporary file and renamed, so a reader never sees half a manifest. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(this));
    }

    public static Manifest read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Manifest.class);
    }
}
