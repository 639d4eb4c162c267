package io.tileinfer.core.run;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.Hashing;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.RunRecord;
import io.tileinfer.core.store.SqliteRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real process stopped in the middle of a run, by SIGKILL (nothing runs on the way out) or by SIGTERM (it stops
 * itself: batches in flight finish, exit status 143); the run started again resumes.
 */
class KillAndResumeTest {
    private static final int TILES = 53 * 51; // 16 px tiles with a 2 px halo over 627 x 603
    private static final String TILING = "{size: 16, halo: 2, batch: 1}";
    /** Blending: 24 px tiles keep 20, cores of 16 over 627 x 603. */
    private static final String BLEND_TILING = "{size: 24, halo: 2, stitch: blend, overlap: 4, batch: 1}";
    private static final int BLEND_TILES = 40 * 38;
    private static final int EXIT_ON_SIGTERM = 128 + 15;

    @Test
    void aKilledRunResumesWithoutLosingOrRepeatingWork(@TempDir Path dir) throws Exception {
        interruptAndResume(dir, false, List.of("l8"));
    }

    /** Blending: each finished tile's probability chunk is in place before its row, and none counts twice. */
    @Test
    void aKilledBlendingRunResumesToTheSameRaster(@TempDir Path dir) throws Exception {
        interruptAndResume(dir, false, List.of("l8"), BLEND_TILING, BLEND_TILES);
    }

    @Test
    void sigtermStopsAfterTheBatchesInFlightAndTheRunResumes(@TempDir Path dir) throws Exception {
        interruptAndResume(dir, true, List.of("l8"));
    }

    /** Killed a quarter into the second scene (the first one, completed on its own thread, is usually done by then). */
    @Test
    void aRunOfTwoScenesKilledInTheSecondResumes(@TempDir Path dir) throws Exception {
        interruptAndResume(dir, false, List.of("l8", "l8-again"));
    }

    private static void interruptAndResume(Path dir, boolean sigterm, List<String> scenes) throws Exception {
        interruptAndResume(dir, sigterm, scenes, TILING, TILES);
    }

    private static void interruptAndResume(Path dir, boolean sigterm, List<String> scenes, String tiling,
                                           int tilesPerScene) throws Exception {
        Path registry = dir.resolve("models");
        TestModels.brightness(registry);
        StringBuilder sceneList = new StringBuilder();
        for (String scene : scenes) {
            sceneList.append("  - {id: %s, file: %s}\n".formatted(scene, SharedData.variant("l8_rgbn_cog.tif")));
        }
        String yaml = """
                model: production
                registry: %s
                output: runs
                tiling: %s
                scenes:
                %s""".formatted(registry, tiling, sceneList);
        int tiles = tilesPerScene * scenes.size();
        Path killed = Runs.config(dir.resolve("killed"), yaml);
        Path reference = Runs.config(dir.resolve("reference"), yaml);

        Path killedLog = dir.resolve("killed.log"); // in dir, where a JVM crash would leave its hs_err file
        Process process = Runs.start(killed, 2, killedLog);
        Path db = dir.resolve("killed/runs/results.db");
        int rowsSeen = 0;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        int killAt = tiles - tilesPerScene * 3 / 4; // a quarter into the last scene
        while (process.isAlive() && rowsSeen < killAt && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            if (Files.exists(db)) {
                rowsSeen = SqliteRows.tiles(db);
            }
        }
        assertTrue(process.isAlive(), () -> "the run ended before it could be killed, exit " + process.exitValue()
                + "; its log:\n" + Runs.readLog(killedLog));
        if (sigterm) {
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "SIGTERM did not stop the run");
            String log = Files.readString(killedLog);
            assertEquals(EXIT_ON_SIGTERM, process.exitValue(), log);
            assertTrue(log.contains("stopped by SIGTERM after the batches in flight finished"), log);
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
            }
            try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + db)) {
                assertEquals("stopped", store.runs(1, null).runs().getFirst().status());
            }
        } else {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            process.waitFor();
            try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + db)) {
                // nothing could say it ended: the row says running, and its silent heartbeat tells readers it is not
                RunRecord row = store.runs(1, null).runs().getFirst();
                assertEquals("running", row.status());
                assertEquals("running", row.statusAt(row.heartbeatAt().plusSeconds(60)));
                Instant silent = row.heartbeatAt().plus(RunRecord.SILENT_AFTER).plusSeconds(1);
                assertEquals("interrupted", row.statusAt(silent));
            }
        }
        Instant firstStarted;
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + db)) {
            firstStarted = store.runs(1, null).runs().getFirst().startedAt();
        }
        int finishedAtKill = SqliteRows.tiles(db);
        assertTrue(finishedAtKill >= killAt && finishedAtKill < tiles, "killed mid-run: " + finishedAtKill + " rows");

        CountingListener resumed = new CountingListener();
        RunSummary summary = new BatchRunner(ConfigLoader.load(killed).withWorkers(2), new SimpleMeterRegistry(),
                resumed).run();
        // (the listener keeps the last scene's count; the scenes before it were finished whole)
        assertEquals(finishedAtKill - tilesPerScene * (scenes.size() - 1), resumed.alreadyFinished.get(),
                "finished tiles are not computed again");
        assertEquals(tiles - finishedAtKill, resumed.processed.get());
        assertEquals(tiles, SqliteRows.tiles(db), "no row lost or duplicated");
        Manifest manifest = Manifest.read(summary.manifest());
        assertEquals(firstStarted, manifest.startedAt(), "the run's start, as its row has it");
        assertTrue(manifest.resumedAt().isAfter(firstStarted), "this attempt's start: " + manifest.resumedAt());

        RunSummary uninterrupted = Runs.run(reference, 2);
        assertEquals(uninterrupted.runId(), summary.runId());
        for (String scene : scenes) {
            assertEquals(Hashing.sha256(uninterrupted.runDir().resolve("predictions/" + scene + ".tif")),
                    Hashing.sha256(summary.runDir().resolve("predictions/" + scene + ".tif")), scene);
        }
        assertEquals(BatchRunnerTest.comparableRows(dir.resolve("reference"), summary.runId()),
                BatchRunnerTest.comparableRows(dir.resolve("killed"), summary.runId()));
        assertFalse(Files.exists(summary.runDir().resolve("chunks/l8")), "local workers write no chunks when "
                + "cropping, and those of blending go with the scene done");
        assertFalse(Files.exists(summary.runDir().resolve("scratch")), "the scratch raster and its state go with "
                + "the scene done");
    }
}
