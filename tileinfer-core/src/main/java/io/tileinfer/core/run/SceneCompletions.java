package io.tileinfer.core.run;

import io.tileinfer.raster.NativeHeap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Completes the scenes whose tiles are done (their COG, quicklook and row: {@link SceneJob#run}) on a thread of its
 * own, one at a time, so that the next scene's tiles run meanwhile: GDAL writing a COG mostly leaves the workers'
 * cores free. At most one completion runs, so no more than two scenes are open at once.
 */
final class SceneCompletions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SceneCompletions.class);
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("tileinfer-scene-completion").daemon(true).factory());
    private final List<Manifest.SceneEntry> entries = new ArrayList<>();
    private Future<Manifest.SceneEntry> pending;

    /** Waits for the previous scene's completion (its failure is thrown here), then starts this one. */
    void submit(Callable<Manifest.SceneEntry> completion) throws IOException {
        awaitPending();
        pending = thread.submit(() -> {
            // The C heap's free pages go back to the system before GDAL's COG buffers come and after they go: this
            // holds the peak RSS of a run of many scenes near that of one (docs/benchmarks.md).
            NativeHeap.trim();
            try {
                return completion.call();
            } finally {
                NativeHeap.trim();
            }
        });
    }

    /** Every scene's entry, in the order of submission, once the last one is complete. */
    List<Manifest.SceneEntry> entries() throws IOException {
        awaitPending();
        return List.copyOf(entries);
    }

    /**
     * A run that ends early (stopped, or a later scene failed) still completes the scene whose tiles are done, so
     * that its raster and row are there; a failure then is logged, as another one is on its way.
     */
    @Override
    public void close() {
        try {
            awaitPending();
        } catch (IOException | RuntimeException e) {
            LOG.error("a scene could not be completed: {}", e.toString());
        } finally {
            thread.shutdown();
        }
    }

    private void awaitPending() throws IOException {
        if (pending == null) {
            return;
        }
        Future<Manifest.SceneEntry> running = pending;
        pending = null;
        try {
            entries.add(running.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while a scene was being completed", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error error -> throw error;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }
}
