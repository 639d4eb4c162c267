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
 * own, one at a time and in order, so that the next scene's tiles run meanwhile: GDAL writing a COG mostly leaves
 * the workers' cores free. {@link #submit} returns once the scene before is complete, so no more than two scenes are
 * open at once. Every completion submitted runs, whatever happens to the others: each one holds its scene's files.
 */
final class SceneCompletions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SceneCompletions.class);
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("tileinfer-scene-completion").daemon(true).factory());
    private final List<Future<Manifest.SceneEntry>> submitted = new ArrayList<>();
    private final List<Manifest.SceneEntry> entries = new ArrayList<>();
    /** How many of {@link #submitted} were waited for, in order. */
    private int awaited;

    /**
     * Queues this scene's completion, then waits for the one before it (whose failure is thrown here; this one runs
     * all the same).
     */
    void submit(Callable<Manifest.SceneEntry> completion) throws IOException {
        submitted.add(thread.submit(() -> {
            // The C heap's free pages go back to the system before GDAL's COG buffers come and after they go: this
            // holds the peak RSS of a run of many scenes near that of one (docs/benchmarks.md).
            NativeHeap.trim();
            try {
                return completion.call();
            } finally {
                NativeHeap.trim();
            }
        }));
        awaitFirst(submitted.size() - 1);
    }

    /** Every scene's entry, in the order of submission, once the last one is complete. */
    List<Manifest.SceneEntry> entries() throws IOException {
        awaitFirst(submitted.size());
        return List.copyOf(entries);
    }

    /**
     * A run that ends early (stopped, or a later scene failed) still completes the scenes handed over, so that their
     * rasters and rows are there before the store closes; a failure then is logged, as another one is on its way.
     */
    @Override
    public void close() {
        try {
            while (awaited < submitted.size()) {
                try {
                    awaitFirst(awaited + 1);
                } catch (IOException | RuntimeException e) {
                    LOG.error("a scene could not be completed", e);
                }
            }
        } finally {
            thread.shutdown();
        }
    }

    private void awaitFirst(int count) throws IOException {
        while (awaited < count) {
            Future<Manifest.SceneEntry> completion = submitted.get(awaited++);
            entries.add(uninterruptibly(completion));
        }
    }

    /**
     * A completion is never abandoned half way (it holds the scene's files and writes to the store, which closes
     * after it): an interrupt is kept for the caller and the wait goes on.
     */
    private static Manifest.SceneEntry uninterruptibly(Future<Manifest.SceneEntry> completion) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return completion.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error error -> throw error;
                default -> throw new IllegalStateException(e.getCause());
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
