package io.tileinfer.spark;

import io.tileinfer.core.TestModels;
import io.tileinfer.core.run.LogProgress;
import io.tileinfer.core.run.Manifest;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.core.run.Runs;
import io.tileinfer.core.store.SqliteRows;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A multi-process cluster on loopback: Spark's {@code local-cluster} master starts a standalone master and two
 * workers in this JVM, and each worker starts its executor as a JVM of its own. One executor is killed with
 * SIGKILL in the middle of the job; Spark runs its tasks again elsewhere and the run ends as the local runner's.
 */
class ExecutorKillTest {
    private static final int TILES = 53 * 51; // 16 px tiles with a 2 px halo over 627 x 603
    private static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

    @Test
    void anExecutorKilledMidJobLosesNothingAndChangesNothing(@TempDir Path dir) throws Exception {
        // The workers launch executors the way a Spark installation does, which wants a jars/ directory under
        // SPARK_HOME (set by the build); the classes come from spark.executor.extraClassPath instead.
        Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
        Path registry = dir.resolve("models");
        TestModels.brightness(registry);
        String yaml = Fixtures.yaml(registry, "{size: 16, halo: 2, batch: 1}", "");
        RunSummary local = Runs.run(Runs.config(dir.resolve("local"), yaml), 2);
        Path config = Runs.config(dir.resolve("cluster"), yaml);

        AtomicInteger executorsLost = new AtomicInteger();
        AtomicInteger tasksLost = new AtomicInteger();
        try (JavaSparkContext spark = Fixtures.spark("local-cluster[2,1,1024]", Map.of(
                "spark.executor.memory", "768m",
                "spark.executor.extraClassPath", System.getProperty("java.class.path"),
                "spark.executor.extraJavaOptions", "--enable-native-access=ALL-UNNAMED",
                SparkBatches.BATCHES_PER_PARTITION, "150"))) {
            spark.sc().addSparkListener(new SparkListener() {
                @Override
                public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
                    executorsLost.incrementAndGet();
                }

                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    if (!end.taskInfo().successful()) {
                        tasksLost.incrementAndGet();
                    }
                }
            });
            CompletableFuture<RunSummary> job = CompletableFuture.supplyAsync(() -> {
                try {
                    return Fixtures.runOn(config, SparkBatches.on(spark), new LogProgress(Duration.ofSeconds(5)));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            Path db = dir.resolve("cluster/runs/results.db");
            int rowsAtKill = awaitRows(db, TILES / 10, job);
            List<ProcessHandle> executors = executors();
            assertEquals(2, executors.size(), "one executor JVM per worker: " + executors);
            ProcessHandle victim = executors.getFirst();
            assertTrue(victim.destroyForcibly(), "SIGKILL to executor " + victim.pid());
            victim.onExit().get(30, TimeUnit.SECONDS);
            assertTrue(rowsAtKill < TILES, "killed mid-job, with " + rowsAtKill + " of " + TILES + " rows");

            RunSummary summary = job.get(5, TimeUnit.MINUTES);
            assertTrue(summary.complete());
            assertTrue(executorsLost.get() >= 1, "Spark noticed the lost executor");
            assertTrue(tasksLost.get() >= 1, "the killed executor was running a task, which ran again elsewhere");
            assertEquals(local.runId(), summary.runId());
            assertEquals(Fixtures.predictionSha256(local), Fixtures.predictionSha256(summary));
            assertEquals(Fixtures.comparableRows(dir.resolve("local/pipeline.yaml"), local.runId()),
                    Fixtures.comparableRows(config, summary.runId()));
            assertEquals(Manifest.read(local.manifest()).counts(), Manifest.read(summary.manifest()).counts());
        }
    }

    /** Waits until the run has committed {@code rows} tile rows, and returns how many it has. */
    private static int awaitRows(Path db, int rows, CompletableFuture<?> job) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        int seen = 0;
        while (seen < rows && !job.isDone() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            seen = Files.exists(db) ? SqliteRows.tiles(db) : 0;
        }
        assertTrue(seen >= rows && !job.isDone(), "the job should be under way with " + rows + " rows, saw "
                + seen + (job.isCompletedExceptionally() ? "; the job failed: " + job.exceptionNow() : ""));
        return seen;
    }

    /** The executor JVMs that the workers started; their full command line is in /proc (Linux). */
    private static List<ProcessHandle> executors() {
        return ProcessHandle.current().descendants().filter(p -> {
            try {
                return Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline")).contains(EXECUTOR_MAIN);
            } catch (IOException e) {
                return false; // it has just ended
            }
        }).toList();
    }
}
