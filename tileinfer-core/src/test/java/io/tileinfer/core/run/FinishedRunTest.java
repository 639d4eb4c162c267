package io.tileinfer.core.run;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.RunRecord;
import io.tileinfer.core.store.SceneResult;
import io.tileinfer.core.store.SceneStatus;
import io.tileinfer.core.store.SqliteRows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run started again after it finished: its finished scenes are kept as they are, whatever their inputs are now. */
class FinishedRunTest {
    @TempDir
    static Path shared;
    static Path registry;

    @BeforeAll
    static void registerModel() {
        registry = shared.resolve("models");
        TestModels.brightness(registry);
    }

    private static Path config(Path dir, List<String> scenes) throws Exception {
        StringBuilder list = new StringBuilder();
        for (String scene : scenes) {
            Path input = dir.resolve("in/" + scene + ".tif");
            Files.createDirectories(input.getParent());
            Files.copy(Path.of(SharedData.variant("l8_rgbn_cog.tif")), input);
            list.append("  - {id: %s, file: %s}\n".formatted(scene, input));
        }
        return Runs.config(dir, """
                model: production
                registry: %s
                output: runs
                tiling: {size: 64, halo: 8, batch: 4}
                scenes:
                %s""".formatted(registry, list));
    }

    private static JdbcResultStore store(Path dir) {
        return JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"));
    }

    @Test
    void aFinishedRunRunAgainWithAnInputGoneChangesNothing(@TempDir Path dir) throws Exception {
        Path config = config(dir, List.of("l8"));
        RunSummary first = Runs.run(config, 2);
        assertTrue(first.complete());
        byte[] manifest = Files.readAllBytes(first.manifest());
        RunRecord run;
        List<SceneResult> scenes;
        try (JdbcResultStore store = store(dir)) {
            run = store.run(first.runId()).orElseThrow();
            scenes = store.scenes(first.runId());
        }
        Files.move(dir.resolve("in/l8.tif"), dir.resolve("l8.tif.away")); // briefly unreadable

        RunSummary again = Runs.run(config, 2);
        assertTrue(again.complete(), "a finished scene is not validated again");
        assertEquals(first.counts(), again.counts());
        assertArrayEquals(manifest, Files.readAllBytes(again.manifest()), "the manifest is not rewritten");
        try (JdbcResultStore store = store(dir)) {
            assertEquals(run, store.run(first.runId()).orElseThrow(), "the run's row is as it was");
            assertEquals(scenes, store.scenes(first.runId()));
        }
    }

    /** Its rows from the first attempt stay in the store, but the run's counts are of the scenes it has outputs of. */
    @Test
    void aSceneRefusedWhenDoneAgainCountsNoTiles(@TempDir Path dir) throws Exception {
        Path config = config(dir, List.of("a", "b"));
        RunSummary first = Runs.run(config, 2);
        Manifest before = Manifest.read(first.manifest());
        Files.delete(first.runDir().resolve(before.scenes().get(1).quicklook().path())); // b is to be done again
        Files.move(dir.resolve("in/b.tif"), dir.resolve("b.tif.away")); // and cannot be

        RunSummary again = Runs.run(config, 2);
        Manifest after = Manifest.read(again.manifest());
        assertEquals("FAILED", after.scenes().get(1).status());
        assertEquals("readable", after.scenes().get(1).issues().getFirst().check());
        Manifest.Counts a = before.scenes().get(0).tiles();
        assertEquals(new Manifest.Counts(a.tiles(), a.done(), a.skipped(), a.failed(), 2, 1), after.counts());
        assertEquals(2 * a.tiles(), SqliteRows.tiles(dir.resolve("runs/results.db")), "b's rows stay in the store");
    }

    @Test
    void aSceneWhoseFilesChangedIsDoneAgainAndTheOthersAreKept(@TempDir Path dir) throws Exception {
        Path config = config(dir, List.of("a", "b"));
        RunSummary first = Runs.run(config, 2);
        assertTrue(first.complete());
        Manifest before = Manifest.read(first.manifest());
        Files.move(dir.resolve("in/a.tif"), dir.resolve("a.tif.away")); // a is kept: not read
        Path quicklook = first.runDir().resolve(before.scenes().get(1).quicklook().path());
        Files.delete(quicklook); // b is done again: its inputs are there

        CountingListener counted = new CountingListener();
        RunSummary again = new BatchRunner(ConfigLoader.load(config).withWorkers(2), new SimpleMeterRegistry(),
                counted).run();
        assertTrue(again.complete());
        assertEquals(0, counted.processed.get(), "b's inputs are as its tiles were computed from: its raster is kept");
        Manifest after = Manifest.read(again.manifest());
        assertEquals(before.scenes().get(0), after.scenes().get(0), "a's entry is kept");
        assertEquals(before.scenes().get(1), after.scenes().get(1), "b's files are made again, the same");
        assertTrue(Files.isRegularFile(quicklook));
        assertNotEquals(before.finishedAt(), after.finishedAt(), "the manifest is written again");
        try (JdbcResultStore store = store(dir)) {
            assertEquals(List.of(SceneStatus.DONE, SceneStatus.DONE),
                    store.scenes(first.runId()).stream().map(SceneResult::status).toList());
            assertEquals("succeeded", store.run(first.runId()).orElseThrow().status());
        }
    }
}
