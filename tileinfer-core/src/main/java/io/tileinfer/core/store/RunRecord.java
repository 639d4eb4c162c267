package io.tileinfer.core.store;

import java.time.Instant;

/** A batch run as the store keeps it; {@code finishedAt} and {@code status} change when the run ends. */
public record RunRecord(String runId, String configPath, String configSha256, String modelVersion,
                        Instant startedAt, Instant finishedAt, String status, String manifest) {
}
