package io.tileinfer.core.run;

import java.nio.file.Path;

/**
 * How a run ended and where its outputs are: {@code runDir} where it wrote them (a local staging directory with an
 * {@code s3://} output), {@code uploadedTo} the {@code s3://} prefix they were uploaded to with the manifest's layout,
 * or null when the run directory is where they stay.
 */
public record RunSummary(String runId, Path runDir, Path manifest, String uploadedTo, Manifest.Counts counts) {

    /** True when every scene passed validation and every tile was done or skipped. */
    public boolean complete() {
        return counts.failed() == 0 && counts.scenesFailed() == 0;
    }
}
