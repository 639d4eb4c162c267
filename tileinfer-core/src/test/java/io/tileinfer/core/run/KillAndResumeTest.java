package io.tileinfer.core.run;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.Hashing;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.store.JdbcResultStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real process killed with SIGKILL in the middle of a run; the run started again resumes. */
class KillAndResumeTest {
    private static final int TILES = 53 * 51; // 16 px tiles with a 2 px halo over 627 x 603

    @Test
    void aKilledRunResumesWithoutLosingOrRepeatingWork(@TempDir Path dir) throws Exception {
        Path registry = dir.resolve("models");
        TestModels.brightness(registry);
        String yaml = """
                model: production
                registry: %s
                output: runs
                tiling: {size: 16, halo: 2, batch: 1}
                scenes:
                  - {id: l8, file: %s}
                """.formatted(registry, SharedData.variant("l8_rgbn_cog.tif"));
        Path killed = Runs.config(dir.resolve("killed"), yaml);
        Path reference = Runs.config(dir.resolve("reference"), yaml);

        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RunMain.class.getName(), killed.toString(), "2")
                .redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        Path db = dir.resolve("killed/runs/results.db");
        int rowsSeen = 0;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (process.isAlive() && rowsSeen < TILES / 4 && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            if (Files.exists(db)) {
                rowsSeen = rows(db);
            }
        }
        assertTrue(process.isAlive(), "the run finished before it could be killed; see " + dir.resolve("killed.log"));
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        process.waitFor();
        int finishedAtKill = rows(db);
        assertTrue(finishedAtKill > 0 && finishedAtKill < TILES, "killed mid-run: " + finishedAtKill + " rows");

        CountingListener resumed = new CountingListener();
        RunSummary summary = new BatchRunner(ConfigLoader.load(killed).withWorkers(2), new SimpleMeterRegistry(),
                resumed).run();
        assertEquals(finishedAtKill, resumed.alreadyFinished.get(), "finished tiles are not computed again");
        assertEquals(TILES - finishedAtKill, resumed.processed.get());
        assertEquals(TILES, rows(db), "no row lost or duplicated");

        RunSummary uninterrupted = Runs.run(reference, 2);
        assertEquals(uninterrupted.runId(), summary.runId());
        assertEquals(Hashing.sha256(uninterrupted.runDir().resolve("predictions/l8.tif")),
                Hashing.sha256(summary.runDir().resolve("predictions/l8.tif")));
        assertEquals(BatchRunnerTest.comparableRows(dir.resolve("reference"), summary.runId()),
                BatchRunnerTest.comparableRows(dir.resolve("killed"), summary.runId()));
        assertFalse(Files.exists(summary.runDir().resolve("chunks/l8")), "chunks go once the raster holds them");
    }

    private static int rows(Path db) {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + db)) {
            List<String> runs = store.runs().stream().map(r -> r.runId()).toList();
            return runs.isEmpty() ? 0 : store.tiles(runs.getFirst()).size();
        } catch (RuntimeException e) {
            return 0; // the database is being created
        }
    }

    private static final class CountingListener implements RunListener {
        final AtomicInteger alreadyFinished = new AtomicInteger();
        final AtomicInteger processed = new AtomicInteger();

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
}
