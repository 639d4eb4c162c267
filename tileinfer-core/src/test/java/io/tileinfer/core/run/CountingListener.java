package io.tileinfer.core.run;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts what a (resumed) run reports: the tiles already finished before it, and those it finished itself. */
public final class CountingListener implements RunListener {
    public final AtomicInteger alreadyFinished = new AtomicInteger();
    public final AtomicInteger processed = new AtomicInteger();

    @Override
    public void sceneStarted(String sceneId, int tiles, int finished) {
        alreadyFinished.set(finished);
    }

    @Override
    public void tilesFinished(int count) {
        processed.addAndGet(count);
    }

    @Override
    public void sceneFinished(String sceneId) {
    }
}
