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
    private final Object beating = new Object();
    private boolean closed;

    private RunHeartbeat() {
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("run-heartbeat").factory());
    }

    /** Beats {@code every} from now on, the first after one interval: the row was just saved with a heartbeat. */
    static RunHeartbeat start(ResultStore store, String runId, Duration every) {
        RunHeartbeat heartbeat = new RunHeartbeat();
        heartbeat.timer.scheduleWithFixedDelay(() -> heartbeat.beat(store, runId, every), every.toMillis(),
                every.toMillis(), TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    private void beat(ResultStore store, String runId, Duration every) {
        synchronized (beating) {
            if (closed) {
                return;
            }
            try {
                store.heartbeat(runId, Instant.now());
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) { // a scheduled task that throws is never run again
                LOG.warn("run {}: cannot save its heartbeat, will try again in {} ms: {}", runId, every.toMillis(),
                        e.toString());
            }
        }
    }

    /** Stops beating: waits for a beat under way (the store's busy timeout bounds it), and none starts after. */
    @Override
    public void close() {
        synchronized (beating) {
            closed = true;
        }
        timer.shutdownNow();
    }
}
