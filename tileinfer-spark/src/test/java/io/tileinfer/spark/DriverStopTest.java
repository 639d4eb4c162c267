package io.tileinfer.spark;

import io.tileinfer.core.TestModels;
import io.tileinfer.core.run.LogProgress;
import io.tileinfer.core.run.Manifest;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.core.run.Runs;
import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.SqliteRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver of a Spark run, in its own JVM as spark-submit starts it, gets SIGTERM (what a cluster manager or
 * Airflow sends) in the middle of a job: the run is recorded stopped, not failed, the process exits 143, and
 * running the same configuration again finishes it as if nothing had happened.
 */
class DriverStopTest {
    private static final int TILES = 53 * 51; // 16 px tiles with a 2 px halo over 627 x 603
    private static final int EXIT_ON_SIGTERM = 128 + 15;

    @Test
    void aDriverStoppedMidJobIsRecordedStoppedAndResumes(@TempDir Path dir) throws Exception {
        Path registry = dir.resolve("models");
        TestModels.brightness(registry);
        String yaml = Fixtures.yaml(registry, "{size: 16, halo: 2, batch: 1}", "");
        RunSummary local = Runs.run(Runs.config(dir.resolve("local"), yaml), 2);
        Path config = Runs.config(dir.resolve("spark"), yaml);

        Path log = dir.resolve("driver.log");
        Process driver = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx768m", "-cp", System.getProperty("java.class.path"),
                // spark-submit hands its settings to the application as spark.* system properties
                "-Dspark.master=local[2]", "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
                "-Dspark.ui.enabled=false", "-D" + SparkBatches.BATCHES_PER_PARTITION + "=150",
                SparkBatchJob.class.getName(), "--config", config.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path db = dir.resolve("spark/runs/results.db");
        int seen = 0;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (driver.isAlive() && seen < TILES / 10 && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            seen = Files.exists(db) ? SqliteRows.tiles(db) : 0;
        }
        assertTrue(driver.isAlive(), () -> "the run ended before it could be stopped, exit " + driver.exitValue()
                + "; its log:\n" + Runs.readLog(log));
        driver.destroy(); // SIGTERM
        assertTrue(driver.waitFor(90, TimeUnit.SECONDS), "SIGTERM did not stop the driver");
        String said = Runs.readLog(log);
        assertEquals(EXIT_ON_SIGTERM, driver.exitValue(), said);
        assertTrue(said.contains("tileinfer: stopped by SIGTERM after the batches in flight finished; every finished "
                + "tile is stored: run the same command again to resume"), said);
        int stoppedAt = SqliteRows.tiles(db);
        assertTrue(stoppedAt >= seen && stoppedAt < TILES, "stopped mid-job, with " + stoppedAt + " rows");
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + db)) {
            assertEquals("stopped", store.run(local.runId()).orElseThrow().status());
        }

        RunSummary resumed;
        try (var spark = Fixtures.spark("local[2]", Map.of())) {
            resumed = Fixtures.runOn(config, SparkBatches.on(spark), new LogProgress(Duration.ofSeconds(30)));
        }
        assertTrue(resumed.complete());
        assertEquals(local.runId(), resumed.runId());
        assertEquals(TILES, SqliteRows.tiles(db), "no row lost or duplicated");
        assertEquals(Fixtures.predictionSha256(local), Fixtures.predictionSha256(resumed));
        assertEquals(Fixtures.comparableRows(dir.resolve("local/pipeline.yaml"), local.runId()),
                Fixtures.comparableRows(config, resumed.runId()));
        assertEquals(Manifest.read(local.manifest()).counts(), Manifest.read(resumed.manifest()).counts());
    }
}
