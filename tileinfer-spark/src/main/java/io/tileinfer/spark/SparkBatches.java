package io.tileinfer.spark;

import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.output.PredictionSink;
import io.tileinfer.core.run.BatchExecutor;
import io.tileinfer.core.run.BatchHeap;
import io.tileinfer.core.run.RunContext;
import io.tileinfer.core.run.RunSettings;
import io.tileinfer.core.run.ScenePlan;
import io.tileinfer.core.run.StageTotals;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.model.ModelVersion;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs each scene's batches as one Spark job. Tasks carry tile descriptors (the scene's metadata and tile
 * windows), never pixels: executors read their windows from the shared files, write prediction chunks to the
 * shared run directory and rows to the result store. A partition is a run of consecutive batches, so an executor
 * reads neighbouring windows of one scene through one reader.
 */
public final class SparkBatches implements BatchExecutor {
    /** Batches per partition (task). Unset: about four tasks per task slot, enough to even out uneven tiles. */
    public static final String BATCHES_PER_PARTITION = "spark.tileinfer.batchesPerPartition";
    /** The Spark job group of every scene's job, which a stop cancels with its future jobs. */
    public static final String JOB_GROUP = "tileinfer";
    private static final int TASKS_PER_SLOT = 4;
    private static final Duration CANCELLED_TASKS_WAIT = Duration.ofMinutes(2);
    /** Spark's listener bus is a queue on a thread of its own; its job end normally arrives within milliseconds. */
    private static final Duration LISTENER_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(SparkBatches.class);
    private static final Pattern LOCAL_WITH_RETRIES = Pattern.compile("local\\[\\s*[0-9*]+\\s*,\\s*([0-9]+)\\s*]");

    private final JavaSparkContext spark;
    private final RunContext run;
    private final TaskSettings settings;

    private SparkBatches(JavaSparkContext spark, RunContext run) {
        this.spark = spark;
        this.run = run;
        this.settings = TaskSettings.of(run, maxTaskFailures(spark.getConf()));
    }

    /**
     * Runs the batches of every run on this Spark context; the caller owns the context.
     *
     * @throws IllegalArgumentException when {@value #BATCHES_PER_PARTITION} is set to anything but a positive whole
     *                                  number: said before the first scene, not at its job
     */
    public static BatchExecutor.Factory on(JavaSparkContext spark) {
        batchesPerPartition(spark.getConf());
        return new BatchExecutor.Factory() {
            @Override
            public BatchExecutor open(RunContext run) {
                return new SparkBatches(spark, run);
            }

            @Override
            public void refuse(PipelineConfig config, RunSettings settings, ModelVersion model) {
                ExecutorHeap heap = ExecutorHeap.of(spark.getConf(), spark.defaultParallelism(),
                        Runtime.getRuntime().maxMemory());
                heap.require(new BatchHeap(config, settings, model, heap.slots()));
            }
        };
    }

    /** The setting, or 0 when it is not set. */
    static int batchesPerPartition(SparkConf conf) {
        if (!conf.contains(BATCHES_PER_PARTITION)) {
            return 0;
        }
        String value = conf.get(BATCHES_PER_PARTITION).strip();
        try {
            int batches = Integer.parseInt(value);
            if (batches > 0) {
                return batches;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(BATCHES_PER_PARTITION + ": found \"" + value + "\", expected a whole "
                + "number of batches per Spark task, 1 or more (or leave it unset: about four tasks per task slot)");
    }

    /** Executors are other processes: they write chunks, which the driver folds into {@code scratch}. */
    @Override
    public void run(ScenePlan plan, PredictionSink scratch) {
        if (plan.batches().isEmpty()) {
            return;
        }
        String sceneId = plan.scene().id();
        spark.setJobGroup(JOB_GROUP, "tileinfer " + run.runId() + ": " + plan.tileCount() + " tiles of " + sceneId,
                false);
        // a stop since the scene's start: there is no job yet to cancel (one between here and the job's submission
        // cancels the job as it starts: the stop cancels the group's future jobs too)
        run.stop().throwIfRequested();
        List<List<List<Tile>>> slices = slices(plan.batches(), partitions(plan.batches().size()));
        TaskFailures failures = new TaskFailures(run.runId() + " " + sceneId + " " + UUID.randomUUID());
        spark.setLocalProperty(TaskFailures.JOB_PROPERTY, failures.job());
        spark.sc().addSparkListener(failures);
        StageTotals stages;
        Map<Integer, String> failedAttempts;
        try {
            stages = spark.parallelize(slices, slices.size())
                    .mapPartitions(new ScenePartition(settings, plan.scene(), run.dir().chunkDir(sceneId).toString()))
                    .fold(StageTotals.NONE, StageTotals::plus);
            failedAttempts = failures.awaitReasons(LISTENER_WAIT);
        } catch (Exception e) { // Spark's exceptions are checked ones that Scala does not declare
            if (run.stop().requested()) { // the job was cancelled by the stop: the run stops, it did not fail
                awaitCancelledTasks();
                run.stop().throwIfRequested();
            }
            throw e;
        } finally {
            spark.sc().removeSparkListener(failures);
            spark.setLocalProperty(TaskFailures.JOB_PROPERTY, null);
        }
        explainLostBatches(sceneId, slices, failedAttempts);
        run.metrics().add(stages);
        run.listener().tilesFinished(plan.tileCount());
    }

    /**
     * Partition {@code i} of the job is {@code slices.get(i)}: consecutive batches, as even in number as Spark's own
     * slicing would make them, cut here so that the driver knows which tiles each task held.
     */
    static <T> List<List<T>> slices(List<T> batches, int partitions) {
        List<List<T>> slices = new ArrayList<>(partitions);
        for (int i = 0; i < partitions; i++) {
            slices.add(List.copyOf(batches.subList(i * batches.size() / partitions,
                    (i + 1) * batches.size() / partitions)));
        }
        return slices;
    }

    /**
     * The tiles that a task's last attempt recorded as failed (cause {@value ScenePartition#LOST_CAUSE}) get the
     * reason its earlier attempts failed, which only the driver's scheduler knows: a lost executor, with what its
     * cluster manager said (killed for memory...), or the exception the task ended with.
     */
    private void explainLostBatches(String sceneId, List<List<List<Tile>>> slices, Map<Integer, String> failed) {
        if (failed.isEmpty()) {
            return;
        }
        Map<String, String> reasonByTile = new HashMap<>();
        failed.forEach((partition, reason) -> slices.get(partition)
                .forEach(batch -> batch.forEach(tile -> reasonByTile.put(tile.id(), reason))));
        List<TileResult> explained = run.store().tiles(run.runId(), sceneId).stream()
                .filter(row -> row.status() == TileStatus.FAILED && ScenePartition.LOST_CAUSE.equals(row.cause())
                        && reasonByTile.containsKey(row.tileId()))
                .map(row -> row.withError(row.error() + ". The last failure: "
                        + reasonByTile.get(row.tileId())))
                .toList();
        if (!explained.isEmpty()) {
            run.store().saveTiles(explained);
            LOG.warn("{} tiles of {} failed with their Spark task; the last failed attempt: {}", explained.size(),
                    sceneId, reasonByTile.get(explained.getFirst().tileId()));
        }
    }

    /**
     * A cancelled job ends at once for the scheduler, while its tasks finish the batch they are in (they stop before
     * the next): the run is recorded stopped, and its lock released, only once they have, or after a bound.
     */
    private void awaitCancelledTasks() {
        long deadline = System.nanoTime() + CANCELLED_TASKS_WAIT.toNanos();
        int running = runningTasks();
        while (running > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            running = runningTasks();
        }
        if (running > 0) {
            LOG.warn("{} Spark tasks still running {} s after their job was cancelled; the run is recorded stopped "
                    + "without them (their batches' rows commit or not as a whole)", running,
                    CANCELLED_TASKS_WAIT.toSeconds());
        }
    }

    private int runningTasks() {
        return Arrays.stream(spark.sc().statusTracker().getExecutorInfos())
                .mapToInt(SparkExecutorInfo::numRunningTasks).sum();
    }

    private int partitions(int batches) {
        int perPartition = batchesPerPartition(spark.getConf());
        if (perPartition > 0) {
            return Math.ceilDiv(batches, perPartition);
        }
        return Math.min(batches, spark.defaultParallelism() * TASKS_PER_SLOT);
    }

    /** As Spark's scheduler counts them: local masters allow one attempt unless they say {@code local[N,F]}. */
    static int maxTaskFailures(SparkConf conf) {
        String master = conf.get("spark.master", "local");
        Matcher local = LOCAL_WITH_RETRIES.matcher(master);
        if (local.matches()) {
            return Integer.parseInt(local.group(1));
        }
        if (isLocal(master)) {
            return 1;
        }
        return conf.getInt("spark.task.maxFailures", 4);
    }

    /** A master whose executors run in the driver's JVM ({@code local}, {@code local[N]}; not local-cluster). */
    static boolean isLocal(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    @Override
    public void close() {
        // the Spark context belongs to the caller
    }
}
