package io.tileinfer.core.run;

import java.nio.file.Path;

/** How a run ended and where its outputs are. */
public record RunSummary(String runId, Path runDir, Path manifest, Manifest.Counts counts) {

    /** True when every scene passed validation and every tile was done or skipped. */
    public boolean complete() {
        return counts.failed() == 0 && counts.scenesFailed() == 0;
    }
}
