package io.tileinfer.core.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Progress as plain log lines, at most one every {@code interval}: for logs that are not a terminal. */
public final class LogProgress implements RunListener {
    private static final Logger LOG = LoggerFactory.getLogger(LogProgress.class);
    private final long intervalNanos;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicLong lastReport = new AtomicLong();
    private volatile String sceneId;
    private volatile int total;
    private volatile long startNanos;
    private volatile int startDone;

    public LogProgress(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public void sceneStarted(String sceneId, int tiles, int alreadyFinished) {
        this.sceneId = sceneId;
        this.total = tiles;
        this.startDone = alreadyFinished;
        done.set(alreadyFinished);
        startNanos = System.nanoTime();
        lastReport.set(startNanos);
        LOG.info("scene {}: {} tiles, {} already finished", sceneId, tiles, alreadyFinished);
    }

    @Override
    public void tilesFinished(int count) {
        int now = done.addAndGet(count);
        long t = System.nanoTime();
        long last = lastReport.get();
        if (t - last >= intervalNanos && lastReport.compareAndSet(last, t)) {
            double seconds = (t - startNanos) / 1e9;
            double rate = (now - startDone) / Math.max(seconds, 1e-9);
            long eta = rate > 0 ? Math.round((total - now) / rate) : -1;
            LOG.info("scene {}: {}/{} tiles, {} tiles/s, ETA {} s", sceneId, now, total,
                    String.format("%.1f", rate), eta);
        }
    }

    @Override
    public void sceneFinished(String sceneId) {
        LOG.info("scene {}: {}/{} tiles finished", sceneId, done.get(), total);
    }
}
