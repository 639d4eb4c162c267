package io.tileinfer.core.store;

import java.time.Duration;
import java.time.Instant;

/**
 * A batch run as the store keeps it; {@code finishedAt} and {@code status} change when the run ends.
 * {@code heartbeatAt} is the last time the process running it said it was alive (null in rows from before it was
 * kept): a row can say {@code running} of a run whose process was killed, crashed or lost with its machine.
 */
public record RunRecord(String runId, String configPath, String configSha256, String modelVersion,
                        Instant startedAt, Instant finishedAt, String status, String manifest, Instant heartbeatAt) {

    /** Six missed heartbeats (a running batch beats every 30 s): long enough for a GC pause or a busy store. */
    public static final Duration SILENT_AFTER = Duration.ofMinutes(3);

    /**
     * How long a row without a heartbeat, written by a version that kept none (and may still be running it, e.g.
     * against a shared store), is taken as running after its start.
     */
    public static final Duration SILENT_AFTER_WITHOUT_HEARTBEAT = Duration.ofDays(1);

    /**
     * The status a reader should see at {@code now}: {@code interrupted} for a {@code running} row whose process has
     * been silent for longer than {@link #SILENT_AFTER} (the same command resumes the run), else the row's own.
     */
    public String statusAt(Instant now) {
        boolean silent = heartbeatAt == null
                ? Duration.between(startedAt, now).compareTo(SILENT_AFTER_WITHOUT_HEARTBEAT) > 0
                : Duration.between(heartbeatAt, now).compareTo(SILENT_AFTER) > 0;
        return "running".equals(status) && silent ? "interrupted" : status;
    }
}
