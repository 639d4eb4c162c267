package io.tileinfer.core.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.Hashing;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.store.SqliteRows;
import io.tileinfer.raster.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scene's file replaced between an attempt and its resume (a re-delivered scene, a link pointed elsewhere): the
 * run id follows from the configuration alone, so the resume must not stitch tiles of the old file to the new one,
 * nor a resume of that resume.
 */
class InputChangeTest {
    private static final int TILES = 14 * 13; // ceil(627/48) x ceil(603/48): 64 px tiles with an 8 px halo
    @TempDir
    static Path shared;
    static Path reordered;
    static String yaml;

    @BeforeAll
    static void modelAndImages() {
        Path registry = shared.resolve("models");
        TestModels.brightness(registry);
        // another image of the same grid: the COG's bands in another order, other pixels
        reordered = shared.resolve("reordered.tif");
        TestData.run(List.of("gdal_translate", "-q", "-b", "4", "-b", "3", "-b", "2", "-b", "1",
                SharedData.variant("l8_rgbn_cog.tif"), reordered.toString()));
        // the scene's file is relative to the configuration, beside it in every directory of these tests
        yaml = """
                model: production
                registry: %s
                output: runs
                tiling: {size: 64, halo: 8, batch: 4}
                scenes:
                  - {id: l8, file: scene.tif}
                """.formatted(registry);
    }

    @Test
    void aResumeAfterTheScenesFileChangedComputesEveryTileAgainAlsoWhenItIsKilledInTurn(@TempDir Path dir)
            throws Exception {
        Path config = Runs.config(dir.resolve("attempts"), yaml);
        Path scene = Files.copy(Path.of(SharedData.variant("l8_rgbn_cog.tif")), dir.resolve("attempts/scene.tif"));
        Path db = dir.resolve("attempts/runs/results.db");
        int first = killOnceRows(config, dir.resolve("first.log"), db, rows -> rows >= 30);

        Files.copy(reordered, scene, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(scene + " changed since the earlier attempt", changed(config), "what plan and batch say");
        // the resume drops the rows of the old file before its first tile; killed once it has some of its own
        Path secondLog = dir.resolve("second.log");
        killOnceRows(config, secondLog, db, rows -> rows > 0 && rows < first);
        assertTrue(Runs.readLog(secondLog).contains(scene + " changed since the earlier attempt: the " + first
                + " tiles it left are computed again"), Runs.readLog(secondLog));

        CountingListener third = new CountingListener();
        RunSummary resumed = new BatchRunner(ConfigLoader.load(config).withWorkers(2), new SimpleMeterRegistry(),
                third).run();
        assertTrue(third.alreadyFinished.get() > 0, "the second attempt's tiles, of the new file, are kept");
        assertEquals(TILES, SqliteRows.tiles(db), "no row lost or duplicated");
        assertSameAsARunOfTheNewFileFromTheStart(dir, resumed);
        assertEquals(Hashing.sha256(scene), Manifest.read(resumed.manifest()).scenes().getFirst().inputs()
                .getFirst().sha256());
        assertFalse(Files.exists(resumed.runDir().resolve("scratch")));
    }

    @Test
    void aFileTouchedOrItsRecordDamagedAreToldApart(@TempDir Path dir) throws Exception {
        Path config = Runs.config(dir.resolve("attempts"), yaml);
        Path scene = Files.copy(Path.of(SharedData.variant("l8_rgbn_cog.tif")), dir.resolve("attempts/scene.tif"));
        Path db = dir.resolve("attempts/runs/results.db");
        killOnceRows(config, dir.resolve("first.log"), db, rows -> rows >= 30);

        // touched and chmod'ed, its bytes as they were: its SHA-256, kept with its stamp, says it has not changed
        Files.setLastModifiedTime(scene, FileTime.from(Instant.now()));
        scene.toFile().setWritable(false);
        assertEquals(null, changed(config));

        // a record of the format before bands were read by their descriptions (a plain map) cannot tell how the
        // earlier attempt read the bands; nor can one that cannot be read: every tile is computed again
        String inputs = new ObjectMapper().readTree(record(config).toFile()).get("inputs").toString();
        Files.writeString(record(config), inputs);
        assertEquals("no readable record of the files the earlier attempt read (" + record(config) + ")",
                changed(config));
        Files.writeString(record(config), "null");
        assertEquals("no readable record of the files the earlier attempt read (" + record(config) + ")",
                changed(config));
        CountingListener resumed = new CountingListener();
        RunSummary run = new BatchRunner(ConfigLoader.load(config).withWorkers(2), new SimpleMeterRegistry(),
                resumed).run();
        assertEquals(0, resumed.alreadyFinished.get());
        assertEquals(TILES, SqliteRows.tiles(db));
        assertTrue(run.complete());
    }

    /** Killed after the scene was done but before the run's manifest listed it: the scene is not kept as it was. */
    @Test
    void aSceneDoneInAKilledAttemptIsComputedAgainWhenItsFileChanged(@TempDir Path dir) throws Exception {
        Path config = Runs.config(dir.resolve("attempts"), yaml + "  - {id: second, file: second.tif}\n");
        Path scene = Files.copy(Path.of(SharedData.variant("l8_rgbn_cog.tif")), dir.resolve("attempts/scene.tif"));
        Files.copy(Path.of(SharedData.variant("l8_rgbn_cog.tif")), dir.resolve("attempts/second.tif"));
        killOnceRows(config, dir.resolve("first.log"), dir.resolve("attempts/runs/results.db"),
                rows -> rows >= TILES + 20, 2 * TILES);
        assertEquals(null, changed(config), "as it is, it would be kept");

        Files.copy(reordered, scene, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(scene + " changed since the earlier attempt", changed(config));
        RunSummary resumed = Runs.run(config, 2);
        Path referenceConfig = Runs.config(dir.resolve("reference"), yaml);
        Files.copy(reordered, dir.resolve("reference/scene.tif"));
        assertArrayEquals(Runs.predictionPixels(Runs.run(referenceConfig, 2), "l8"),
                Runs.predictionPixels(resumed, "l8"), "the new file's prediction");
        assertEquals(Hashing.sha256(scene), Manifest.read(resumed.manifest()).scenes().getFirst().inputs()
                .getFirst().sha256());
    }

    private static int killOnceRows(Path config, Path log, Path db, IntPredicate enough) throws Exception {
        return killOnceRows(config, log, db, enough, TILES);
    }

    /** Starts the batch in a process of its own and kills it (SIGKILL) once the store's row count passes the test. */
    private static int killOnceRows(Path config, Path log, Path db, IntPredicate enough, int tiles)
            throws Exception {
        Process process = Runs.start(config, 1, log);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        int rows = 0;
        while (process.isAlive() && Instant.now().isBefore(deadline)) {
            rows = Files.exists(db) ? SqliteRows.tiles(db) : 0;
            if (enough.test(rows)) {
                break;
            }
            Thread.sleep(10);
        }
        assertTrue(process.isAlive(), () -> "the run ended before it could be killed; its log:\n" + Runs.readLog(log));
        process.destroyForcibly();
        process.waitFor();
        rows = SqliteRows.tiles(db);
        assertTrue(rows > 0 && rows < tiles, "killed mid-run: " + rows + " rows");
        return rows;
    }

    /** Why a resume of the scene computes every tile again (null: it does not), as plan and batch find it. */
    private static String changed(Path config) throws Exception {
        return ResumePoint.inputsChanged(record(config), List.of(ConfigLoader.load(config).scenes().getFirst()
                .file()), null);
    }

    private static Path record(Path config) throws Exception {
        try (var runs = Files.list(config.resolveSibling("runs"))) {
            Path runDir = runs.filter(Files::isDirectory).findFirst().orElseThrow();
            return new RunDirectory(runDir).inputStamps("l8");
        }
    }

    private static void assertSameAsARunOfTheNewFileFromTheStart(Path dir, RunSummary resumed) throws Exception {
        Path referenceConfig = Runs.config(dir.resolve("reference"), yaml);
        Files.copy(reordered, dir.resolve("reference/scene.tif"));
        RunSummary reference = Runs.run(referenceConfig, 2);
        assertArrayEquals(Runs.predictionPixels(reference, "l8"), Runs.predictionPixels(resumed, "l8"),
                "the new file's prediction, whole");
        assertEquals(BatchRunnerTest.comparableRows(dir.resolve("reference"), reference.runId()),
                BatchRunnerTest.comparableRows(dir.resolve("attempts"), resumed.runId()));
        assertEquals(Map.of(), Manifest.read(resumed.manifest()).failuresByCause());
    }
}
