package io.tileinfer.spark;

import io.tileinfer.core.TestModels;
import io.tileinfer.core.run.CountingListener;
import io.tileinfer.core.run.LogProgress;
import io.tileinfer.core.run.Manifest;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.core.run.Runs;
import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Task failures in Spark's local mode with three attempts per task ({@code local[2,3]}): failed commits are
 * retried by Spark, a batch that fails every attempt is recorded as failed, and a resumed run completes it.
 * The store fails on demand ({@link FlakyStoreProvider}); its URL is in the configuration, so the rasters' metadata
 * (run id, configuration hash) differ from the reference run's and their pixels are compared instead.
 */
class SparkRetryTest {
    private static final String TILING = "{size: 64, halo: 8, batch: 3}";
    private static final int TILES = 14 * 13;
    @TempDir
    static Path shared;
    static Path registry;
    static JavaSparkContext spark;
    static RunSummary reference;
    static Path referenceConfig;
    static final AtomicInteger FAILED_TASKS = new AtomicInteger();

    @BeforeAll
    static void startSparkAndRunTheReference() throws Exception {
        registry = shared.resolve("models");
        TestModels.brightness(registry);
        referenceConfig = Runs.config(shared.resolve("reference"), Fixtures.yaml(registry, TILING, ""));
        reference = Runs.run(referenceConfig, 2);
        spark = Fixtures.spark("local[2,3]", Map.of());
        spark.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) {
                    FAILED_TASKS.incrementAndGet();
                }
            }
        });
    }

    @AfterAll
    static void stopSpark() {
        spark.close();
    }

    @BeforeEach
    @AfterEach
    void healTheStore() {
        FlakyStoreProvider.FAILING_COMMITS.set(0);
        FlakyStoreProvider.poisonedTile = null;
        FAILED_TASKS.set(0);
    }

    @Test
    void aTaskWhoseCommitFailsIsRetriedAndNothingIsLostOrRepeated(@TempDir Path dir) throws Exception {
        Path config = flakyConfig(dir);
        FlakyStoreProvider.FAILING_COMMITS.set(1);
        RunSummary run = Fixtures.runOn(config, SparkBatches.on(spark), new LogProgress(Duration.ofSeconds(30)));

        assertEquals(0, FlakyStoreProvider.FAILING_COMMITS.get(), "the failure was injected");
        awaitFailedTasks(1);
        assertTrue(run.complete());
        assertEquals(Fixtures.comparableRows(referenceConfig, reference.runId()),
                Fixtures.comparableRows(config, run.runId()));
        assertArrayEquals(Fixtures.predictionPixels(reference), Fixtures.predictionPixels(run));
    }

    @Test
    void aBatchThatFailsEveryAttemptIsRecordedAsFailedAndAResumeCompletesIt(@TempDir Path dir) throws Exception {
        Path config = flakyConfig(dir);
        // tile 40 (row 2, column 12) of 14 x 13; batches take rows 2 and 3 together, column by column
        // (ScenePlan.batchOrder), so its batch of 3 is tiles 53, 40, 54
        FlakyStoreProvider.poisonedTile = "l8/x576_y96_48x48";
        RunSummary run = Fixtures.runOn(config, SparkBatches.on(spark), new LogProgress(Duration.ofSeconds(30)));

        awaitFailedTasks(2);
        Manifest manifest = Manifest.read(run.manifest());
        assertEquals("finished_with_failures", manifest.status());
        assertEquals(Map.of(ScenePartition.LOST_CAUSE, 3L), manifest.failuresByCause(), "its batch, and no other");
        assertEquals("PARTIAL", manifest.scenes().getFirst().status());
        assertEquals(TILES - 3, manifest.counts().done());
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("results.db"))) {
            List<TileResult> failed = store.tiles(run.runId()).stream()
                    .filter(r -> r.status() == TileStatus.FAILED).toList();
            assertEquals(List.of(40, 53, 54), failed.stream().map(TileResult::tileIndex).toList());
            assertTrue(failed.stream().allMatch(r -> r.attempts() == 2 && r.error().contains("failed 2 times")));
            // the reason is the driver's to know: the executor's last attempt only knows that the others failed
            assertTrue(failed.stream().allMatch(r -> r.error().endsWith(". The last failure: "
                    + "io.tileinfer.core.store.StoreException: injected failure: tile l8/x576_y96_48x48 is poisoned")),
                    failed.getFirst().error());
        }

        FlakyStoreProvider.poisonedTile = null;
        CountingListener resumed = new CountingListener();
        RunSummary resumedRun = Fixtures.runOn(config, SparkBatches.on(spark), resumed);
        assertEquals(run.runId(), resumedRun.runId());
        assertTrue(resumedRun.complete());
        assertEquals(TILES - 3, resumed.alreadyFinished.get(), "finished tiles are not computed again");
        assertEquals(3, resumed.processed.get());
        assertEquals(Fixtures.comparableRows(referenceConfig, reference.runId()),
                Fixtures.comparableRows(config, run.runId()));
        assertArrayEquals(Fixtures.predictionPixels(reference), Fixtures.predictionPixels(resumedRun));
    }

    private Path flakyConfig(Path dir) throws Exception {
        String store = "store: {url: \"" + FlakyStoreProvider.PREFIX + dir.resolve("results.db") + "\"}";
        return Runs.config(dir, Fixtures.yaml(registry, TILING, store));
    }

    /** Spark posts task ends to listeners asynchronously. */
    private static void awaitFailedTasks(int expected) throws InterruptedException {
        for (int i = 0; i < 100 && FAILED_TASKS.get() < expected; i++) {
            Thread.sleep(50);
        }
        assertEquals(expected, FAILED_TASKS.get(), "failed task attempts");
    }
}
