package io.tileinfer.core.run;

import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.RunRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The run's sign of life in its row ({@code runs.heartbeat_at}), every {@link #EVERY} while this process runs it, so
 * that the web page and any reader of a shared store tell a running run from one whose process is gone without
 * saying so (SIGKILL, a crash, a lost machine): {@link RunRecord#statusAt}. A beat that fails is logged and the run
 * goes on; the next beat tries again.
 */
final class RunHeartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunHeartbeat.class);
    static final Duration EVERY = Duration.ofSeconds(30);
    private final ScheduledExecutorService timer;

    private RunHeartbeat(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Beats {@code every} from now on, the first after one interval: the row was just saved with a heartbeat. */
    static RunHeartbeat start(ResultStore store, String runId, Duration every) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("run-heartbeat").factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                store.heartbeat(runId, Instant.now());
            } catch (RuntimeException e) { // a scheduled task that throws is never run again
                LOG.warn("run {}: cannot save its heartbeat, will try again in {} ms: {}", runId, every.toMillis(),
                        e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return new RunHeartbeat(timer);
    }

    /** Stops beating; a beat under way is let finish (it never outlives the store, which closes after). */
    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("a heartbeat of the run is still being saved after a minute; leaving it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
