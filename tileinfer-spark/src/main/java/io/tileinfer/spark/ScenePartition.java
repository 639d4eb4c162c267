package io.tileinfer.spark;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.output.PredictionChunks;
import io.tileinfer.core.output.PredictionSink;
import io.tileinfer.core.output.ProbabilityChunks;
import io.tileinfer.core.run.BatchContext;
import io.tileinfer.core.run.BatchTask;
import io.tileinfer.core.run.RunListener;
import io.tileinfer.core.run.RunMetrics;
import io.tileinfer.core.run.ScenePlan;
import io.tileinfer.core.run.StageTotals;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileReader;
import io.tileinfer.raster.RasterException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One Spark task, on an executor: consecutive batches of one scene, run in order with one reader, each one the
 * local runner's {@link BatchTask} (chunk files first: cropped predictions, or when blending the probabilities that
 * local workers write too, then the batch's rows in one transaction). It returns the
 * time its stages took, for the driver's manifest.
 *
 * <p>A retried task skips the batches that an earlier attempt committed. On the last attempt Spark allows, the
 * first unfinished batch, where every earlier attempt stopped, is recorded as failed without running it, so a
 * batch that kills its executor each time costs its own tiles and not the job.
 */
final class ScenePartition implements FlatMapFunction<Iterator<List<List<Tile>>>, StageTotals> {
    static final String LOST_CAUSE = "task";
    /** The driver reports progress when the scene's job ends: every tile of its plan has a row by then. */
    private static final RunListener NO_PROGRESS = new RunListener() {
        @Override
        public void sceneStarted(String sceneId, int tiles, int alreadyFinished) {
        }

        @Override
        public void tilesFinished(int count) {
        }

        @Override
        public void sceneFinished(String sceneId) {
        }
    };

    private final TaskSettings settings;
    private final Scene scene;
    private final String chunkDir;

    ScenePartition(TaskSettings settings, Scene scene, String chunkDir) {
        this.settings = settings;
        this.scene = scene;
        this.chunkDir = chunkDir;
    }

    @Override
    public Iterator<StageTotals> call(Iterator<List<List<Tile>>> partition) {
        List<List<Tile>> batches = new ArrayList<>();
        partition.forEachRemaining(batches::addAll); // one slice of the driver's: SparkBatches.slices
        ExecutorResources.useObjectStore(settings.objectStore());
        ResultStore store = ExecutorResources.store(settings.storeUrl());
        RunMetrics metrics = new RunMetrics(new SimpleMeterRegistry(), settings.modelVersion());
        BatchContext ctx = new BatchContext(settings.runId(), ExecutorResources.model(settings), store, metrics,
                NO_PROGRESS, settings.tileSize(), settings.retries(), settings.probabilities(), settings.blend());

        TaskContext task = TaskContext.get();
        int attempt = task.attemptNumber();
        if (attempt > 0) {
            batches = ScenePlan.pending(batches, store.tileStatuses(settings.runId(), scene.id()));
        }
        if (settings.isLastOfSeveralAttempts(attempt) && !batches.isEmpty()) {
            BatchTask.recordFailed(ctx, scene, batches.getFirst(), LOST_CAUSE, "the Spark task running this batch "
                    + "failed " + attempt + " times (its executor was lost, or the task failed); not run again in "
                    + "this run", attempt);
            batches = batches.subList(1, batches.size());
        }
        if (!batches.isEmpty()) {
            // the same chunks as local workers write when blending, so the driver assembles both alike
            PredictionSink chunks = settings.blend() ? new ProbabilityChunks(Path.of(chunkDir))
                    : new PredictionChunks(Path.of(chunkDir));
            TileReader opened;
            try {
                opened = new TileReader(scene, settings.tileSize());
            } catch (RasterException e) {
                // the scene's files cannot be opened here (gone since validation, unreachable): these tiles fail
                // with the reason, as tiles that cannot be read do; the Spark job and the other scenes go on
                for (List<Tile> batch : batches) {
                    BatchTask.recordFailed(ctx, scene, batch, "read", e.getMessage(), attempt + 1);
                }
                return List.of(metrics.totals()).iterator();
            }
            try (TileReader reader = opened) {
                // a cancelled job (the driver was asked to stop) ends as a local run's stop does: the batch in
                // flight commits the tiles it read, and no further batch starts
                for (List<Tile> batch : batches) {
                    if (task.isInterrupted()) {
                        break;
                    }
                    new BatchTask(ctx, scene, batch, reader, chunks, task::isInterrupted).run();
                }
            }
        }
        return List.of(metrics.totals()).iterator();
    }
}
