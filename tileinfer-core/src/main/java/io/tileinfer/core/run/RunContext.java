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
    private static final String SCRATCH = "scratch";
    private static final String CHUNKS = "chunks";

    /**
     * The scene's scratch raster: where the tiles this process crops wait for the scene's raster, which is assembled
     * there.
     */
    public Path scratch(String sceneId) {
        return runDir.resolve(SCRATCH).resolve(sceneId + ".tif");
    }

    /**
     * Removes the scratch and chunk directories once no scene holds anything in them: at the run's end, not a
     * scene's, as the next scene may be creating its files there meanwhile.
     */
    void removeEmptyWorkDirs() throws IOException {
        for (String dir : List.of(SCRATCH, CHUNKS)) {
            try {
                Files.deleteIfExists(runDir.resolve(dir));
            } catch (DirectoryNotEmptyException partial) {
                // a partial scene keeps its scratch raster or chunks for the resume
            }
        }
    }

    /**
     * Where each finished tile's chunk waits for the scene's raster: its cropped prediction when computed elsewhere
     * (Spark), its probabilities whenever the run blends.
     */
    public Path chunkDir(String sceneId) {
        return runDir.resolve(CHUNKS).resolve(sceneId);
    }

    public Path prediction(String sceneId) {
        return runDir.resolve("predictions").resolve(sceneId + ".tif");
    }
}
