package io.tileinfer.core.run;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.Hashing;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.raster.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scene's file replaced between an attempt and its resume (a re-delivered scene, a link pointed elsewhere): the
 * run id follows from the configuration alone, so the resume must not stitch tiles of the old file to the new one.
 */
class InputChangeTest {
    @TempDir
    static Path shared;

    @Test
    void aResumeAfterTheScenesFileChangedComputesEveryTileAgainFromTheNewFile(@TempDir Path dir) throws Exception {
        Path registry = shared.resolve("models");
        TestModels.brightness(registry);
        // the scene's file is relative to the configuration, so that the reference run has the same run id
        String yaml = """
                model: production
                registry: %s
                output: runs
                tiling: {size: 256, halo: 0}
                retries: 0
                checks: {skip: [integrity]}
                scenes:
                  - {id: l8, file: scene.tif}
                """.formatted(registry);
        // The first attempt: a PARTIAL scene, whose finished tiles a resume keeps
        Path config = Runs.config(dir.resolve("attempts"), yaml);
        Path scene = SharedData.cutAtThreeQuarters(dir.resolve("attempts/scene.tif"));
        RunSummary first = Runs.run(config, 2);
        Manifest.Counts partial = Manifest.read(first.manifest()).scenes().getFirst().tiles();
        assertTrue(partial.done() > 0 && partial.failed() > 0, partial.toString());

        // Replaced by another image of the same grid (its bands in another order: other pixels), intact
        Path reordered = dir.resolve("reordered.tif");
        TestData.run(List.of("gdal_translate", "-q", "-b", "4", "-b", "3", "-b", "2", "-b", "1",
                SharedData.variant("l8_rgbn_cog.tif"), reordered.toString()));
        Files.copy(reordered, scene, StandardCopyOption.REPLACE_EXISTING);

        CountingListener resumed = new CountingListener();
        RunSummary again = new BatchRunner(ConfigLoader.load(config).withWorkers(2), new SimpleMeterRegistry(),
                resumed).run();
        assertEquals(first.runId(), again.runId());
        assertEquals(0, resumed.alreadyFinished.get(), "no tile of the old file is kept");
        assertEquals(partial.tiles(), resumed.processed.get());

        // the same configuration over the new file from the start (another run id: the scene's path is in it)
        Path referenceConfig = Runs.config(dir.resolve("reference"), yaml);
        Files.copy(reordered, dir.resolve("reference/scene.tif"));
        RunSummary reference = Runs.run(referenceConfig, 2);
        assertArrayEquals(Runs.predictionPixels(reference, "l8"), Runs.predictionPixels(again, "l8"),
                "the new file's prediction, whole");
        assertEquals(BatchRunnerTest.comparableRows(dir.resolve("reference"), reference.runId()),
                BatchRunnerTest.comparableRows(dir.resolve("attempts"), again.runId()));
        Manifest manifest = Manifest.read(again.manifest());
        assertEquals(Map.of(), manifest.failuresByCause());
        assertEquals(Hashing.sha256(scene), manifest.scenes().getFirst().inputs().getFirst().sha256());
        assertFalse(Files.exists(again.runDir().resolve("scratch")), "the stamps go with the scene done");
    }
}
