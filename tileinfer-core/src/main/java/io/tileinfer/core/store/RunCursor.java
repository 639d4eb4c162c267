package io.tileinfer.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a page of runs ends: the last run's start and id. The next page holds the runs that come after it in the
 * order (started_at DESC, run_id DESC), so a run that starts meanwhile never shifts the pages being read, and runs
 * that started at the same instant are told apart by their id.
 */
public record RunCursor(Instant startedAt, String runId) {

    public RunCursor {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(runId, "runId");
    }

    /** The cursor just past {@code run}. */
    public static RunCursor after(RunRecord run) {
        return new RunCursor(run.startedAt(), run.runId());
    }
}
