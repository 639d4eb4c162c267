package io.tileinfer.core.run;

import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.output.PredictionSink;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileReader;
import io.tileinfer.model.ModelOptions;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.model.TileModel;
import io.tileinfer.raster.RasterException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The local runner's executor: one model session shared by a pool of worker threads, each batch a task. */
final class LocalBatches implements BatchExecutor {
    private final RunContext run;
    private final BatchContext ctx;
    private final ExecutorService workers;

    private LocalBatches(RunContext run, BatchContext ctx, ExecutorService workers) {
        this.run = run;
        this.ctx = ctx;
        this.workers = workers;
    }

    /** Worker threads of this process, for a run whose batches fit in its heap. */
    static final BatchExecutor.Factory FACTORY = new BatchExecutor.Factory() {
        @Override
        public BatchExecutor open(RunContext run) {
            return LocalBatches.open(run);
        }

        @Override
        public void refuse(PipelineConfig config, RunSettings settings, ModelVersion model) {
            // the launcher gives batch a small heap (see ./tileinfer)
            new BatchHeap(config, settings, model, config.workers()).require(Runtime.getRuntime().maxMemory(),
                    "workers " + config.workers(), "",
                    mb -> "set TILEINFER_JAVA_OPTS=-Xmx" + mb + "m, or use fewer workers");
        }
    };

    static LocalBatches open(RunContext run) {
        TileModel model = TileModel.load(run.model(), new ModelOptions(1, "cpu"));
        BatchContext ctx = new BatchContext(run.runId(), model, run.store(), run.metrics(), run.listener(),
                run.settings().tileSize(), run.config().retries(), run.config().probabilities(),
                run.settings().blend());
        return new LocalBatches(run, ctx, Executors.newFixedThreadPool(run.config().workers(), workerThreads()));
    }

    @Override
    public void run(ScenePlan plan, PredictionSink scratch) {
        // GDAL datasets belong to one thread at a time: a worker takes an idle reader or opens one.
        ConcurrentLinkedQueue<TileReader> idle = new ConcurrentLinkedQueue<>();
        List<TileReader> all = new CopyOnWriteArrayList<>();
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (List<Tile> batch : plan.batches()) {
                futures.add(workers.submit(() -> {
                    if (run.stop().requested()) {
                        return; // left pending for the next run
                    }
                    TileReader reader = idle.poll();
                    if (reader == null) {
                        try {
                            reader = new TileReader(plan.scene(), ctx.tileSize());
                        } catch (RasterException e) {
                            // the scene's files cannot be opened now (gone since validation, unreachable): the
                            // batch's tiles fail with the reason, as tiles that cannot be read do; the run goes on
                            BatchTask.recordFailed(ctx, plan.scene(), batch, "read", e.getMessage(), 1);
                            return;
                        }
                        all.add(reader);
                    }
                    try {
                        new BatchTask(ctx, plan.scene(), batch, reader, scratch, run.stop()::requested).run();
                    } finally {
                        idle.add(reader);
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            run.stop().throwIfRequested();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            all.forEach(TileReader::close);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        ctx.model().close();
    }

    private static ThreadFactory workerThreads() {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "tileinfer-worker-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
