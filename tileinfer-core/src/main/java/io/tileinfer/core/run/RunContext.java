package io.tileinfer.core.run;

import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.model.ModelVersion;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What every scene of a run shares in the process that drives it, whatever executes the batches. {@code started}
 * is when the run first started, as the store keeps it across resumes.
 */
public record RunContext(String runId, Path runDir, PipelineConfig config, ModelVersion model, ResultStore store,
                         RunMetrics metrics, RunListener listener, RunSettings settings,
                         StopRequest stop, Instant started) {
    /** The run directory's files. */
    public RunDirectory dir() {
        return new RunDirectory(runDir);
    }
}
