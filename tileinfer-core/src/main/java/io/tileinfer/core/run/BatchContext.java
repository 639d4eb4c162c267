package io.tileinfer.core.run;

import io.tileinfer.core.store.ResultStore;
import io.tileinfer.model.TileModel;

/**
 * What a {@link BatchTask} needs wherever it runs: a worker thread of the local runner or a Spark executor,
 * which has its own model session and store connection. {@code blend}: each tile's prediction carries its kept
 * window's probabilities, for the {@link io.tileinfer.core.output.ProbabilityChunks} that blending reads.
 */
public record BatchContext(String runId, TileModel model, ResultStore store, RunMetrics metrics,
                           RunListener listener, int tileSize, int retries, boolean probabilities, boolean blend) {
}
