package io.tileinfer.core.run;

import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.model.ModelVersion;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What every scene of a run shares in the process that drives it, whatever executes the batches. {@code started}
 * is when the run first started, as the store keeps it across resumes.
 */
public record RunContext(String runId, Path runDir, PipelineConfig config, ModelVersion model, ResultStore store,
                         RunMetrics metrics, RunListener listener, RunSettings settings,
                         StopRequest stop, Instant started) {

    /** Where the scene's finished tiles wait for its raster, when they are computed in this process. */
    public Path scratch(String sceneId) {
        return runDir.resolve("scratch").resolve(sceneId + ".tif");
    }

    /**
     * Removes the scratch directory once no scene needs it (the run's end; not a scene's, as the next scene may be
     * creating its raster there meanwhile).
     */
    /** Removes the scratch and chunk directories once no scene holds anything in them. */
    void removeEmptyScratch() throws IOException {
        for (String dir : List.of("scratch", "chunks")) {
            try {
                Files.deleteIfExists(runDir.resolve(dir));
            } catch (DirectoryNotEmptyException partial) {
                // a partial scene keeps its scratch raster or chunks for the resume
            }
        }
    }

    /** Where each finished tile's cropped prediction waits for the scene's raster, when computed elsewhere. */
    public Path chunkDir(String sceneId) {
        return runDir.resolve("chunks").resolve(sceneId);
    }

    public Path prediction(String sceneId) {
        return runDir.resolve("predictions").resolve(sceneId + ".tif");
    }
}
