package io.tileinfer.cli;

import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.raster.Gdal;
import io.tileinfer.raster.S3TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `tileinfer plan`: what a run would still do. */
class PlanCommandTest {

    @Test
    void aFinishedRunHasNothingLeftToComputeOrRead(@TempDir Path dir) throws Exception {
        TestModels.brightness(dir.resolve("models"));
        Path config = config(dir, "");

        CommandOutput before = CommandOutput.run("plan", "--config", config.toString(), "--no-scan");
        assertEquals(0, before.exitCode(), before.err());
        assertTrue(before.out().contains("total: 100 tiles to compute, 3.0 MB to read"), before.out());

        assertEquals(0, CommandOutput.run("batch", "--config", config.toString()).exitCode());
        CommandOutput after = CommandOutput.run("plan", "--config", config.toString(), "--no-scan");
        assertEquals(0, after.exitCode(), after.err());
        assertTrue(after.out().contains("  bytes to read: 0.0 MB (decoded)"), after.out());
        assertTrue(after.out().contains("total: 0 tiles to compute, 0.0 MB to read"), after.out());
    }

    /** A scene whose tiles cannot all be read (a truncated file let through) does not end the plan of the others. */
    @Test
    void aTileThatCannotBeReadLeavesTheNodataCountUnknownAndThePlanGoesOn(@TempDir Path dir) throws Exception {
        TestModels.brightness(dir.resolve("models"));
        Path config = Files.writeString(dir.resolve("pipeline.yaml"), """
                registry: models
                output: runs
                checks: {skip: [integrity]}
                scenes:
                  - {id: cut, file: %s}
                  - {id: l8, file: %s}
                """.formatted(SharedData.variant("l8_rgbn_truncated.tif"), SharedData.variant("l8_rgbn_cog.tif")));

        CommandOutput plan = CommandOutput.run("plan", "--config", config.toString());

        assertEquals(0, plan.exitCode(), plan.err());
        assertTrue(plan.out().matches("(?s).*scene cut: .*  tiles skipped as nodata: not known: .*l8_rgbn_truncated"
                + "\\.tif.*\\(batch tries a tile that fails to read again, then records it failed\\)\n"
                + "scene l8: .*  tiles skipped as nodata: 0\n.*total: 200 tiles to compute.*"), plan.out());
    }

    /** The configuration's object_store (the endpoint of an S3-protocol server here) serves plan as it serves batch. */
    @Test
    void planReadsObjectStorageAsTheConfigurationSays(@TempDir Path dir) throws Exception {
        TestModels.brightness(dir.resolve("models"));
        try (S3TestServer s3 = S3TestServer.start(Files.createDirectories(dir.resolve("s3")))) {
            String scene = s3.put("imagery", "l8/l8_rgbn_cog.tif", Path.of(SharedData.variant("l8_rgbn_cog.tif")));
            s3.use(); // its credentials, and no endpoint but the configuration's:
            s3.options().gdalOptions().keySet().forEach(option -> Gdal.setConfigOption(option, null));
            Path config = Files.writeString(dir.resolve("pipeline.yaml"), """
                    registry: models
                    output: runs
                    object_store: {endpoint: "%s", region: us-east-1, timeout_seconds: 10, retries: 1}
                    scenes:
                      - {id: l8, file: %s}
                    """.formatted(s3.endpoint(), scene));

            CommandOutput plan = CommandOutput.run("plan", "--config", config.toString(), "--no-scan");

            assertEquals(0, plan.exitCode(), plan.err());
            assertTrue(plan.out().contains("total: 100 tiles to compute"), plan.out() + plan.err());
        }
    }

    /**
     * Tiles whose rows say DONE but whose pixels are gone are computed again by batch, and plan says so: the finished
     * scene's scratch raster (crop) or probability chunks (blend) went with it, so once its raster is removed too,
     * every tile is to compute; before, plan counted them finished.
     */
    @Test
    void tilesWhosePixelsAreGoneAreToComputeAsBatchWillComputeThem(@TempDir Path dir) throws Exception {
        TestModels.brightness(dir.resolve("models"));
        for (String tiling : new String[]{"{stitch: crop}", "{stitch: blend, overlap: 16}"}) {
            Path run = Files.createDirectories(dir.resolve(tiling.contains("blend") ? "blend" : "crop"));
            Path config = Files.writeString(run.resolve("pipeline.yaml"), """
                    registry: ../models
                    output: runs
                    tiling: %s
                    scenes:
                      - {id: l8, file: %s}
                    """.formatted(tiling, SharedData.variant("l8_rgbn_cog.tif")));
            assertEquals(0, CommandOutput.run("batch", "--config", config.toString()).exitCode(), tiling);
            try (var rasters = Files.walk(run.resolve("runs"))) {
                for (Path raster : rasters.filter(p -> p.toString().endsWith("predictions/l8.tif")).toList()) {
                    Files.delete(raster);
                }
            }
            CommandOutput plan = CommandOutput.run("plan", "--config", config.toString(), "--no-scan");
            assertEquals(0, plan.exitCode(), plan.err());
            assertTrue(plan.out().contains(", 0 finished earlier"), tiling + ":\n" + plan.out());
            assertTrue(plan.out().contains("total: " + tiles(plan.out()) + " tiles to compute"), plan.out());
        }
    }

    /** plan refuses what batch would refuse before recording anything: more batches than the heap holds. */
    @Test
    void batchesBeyondTheHeapAreRefusedAsBatchRefusesThem(@TempDir Path dir) throws Exception {
        TestModels.brightness(dir.resolve("models"));
        // about 230 MB of heap per worker of 2048 px tiles: 64 of them need more than any test JVM has
        Path config = config(dir, "workers: 64\ntiling: {size: 2048, halo: 0, batch: 1}\n");
        CommandOutput plan = CommandOutput.run("plan", "--config", config.toString(), "--no-scan");
        CommandOutput batch = CommandOutput.run("batch", "--config", config.toString());
        assertEquals(ExitCodes.CONFIG, plan.exitCode(), plan.out());
        assertEquals(ExitCodes.CONFIG, batch.exitCode(), batch.out());
        assertTrue(plan.err().contains(config + ": workers 64 x batch 1 tiles of 2048 px"), plan.err());
        assertEquals(batch.err().lines().filter(l -> l.startsWith("tileinfer: ")).toList(),
                plan.err().lines().filter(l -> l.startsWith("tileinfer: ")).toList());
        assertEquals("", plan.out(), "no plan of a run that would be refused");

        // finished with one worker, the same run (workers are not in its id) needs no heap while it is kept as it is
        Files.writeString(config, Files.readString(config).replace("workers: 64", "workers: 1"));
        assertEquals(ExitCodes.OK, CommandOutput.run("batch", "--config", config.toString()).exitCode());
        Files.writeString(config, Files.readString(config).replace("workers: 1", "workers: 64"));
        assertEquals(ExitCodes.OK, CommandOutput.run("plan", "--config", config.toString(), "--no-scan").exitCode());
        assertEquals(ExitCodes.OK, CommandOutput.run("batch", "--config", config.toString()).exitCode());
        // but once a scene is to be done again, it does
        try (var files = Files.walk(dir.resolve("runs"))) {
            Files.delete(files.filter(f -> f.toString().endsWith("l8.quicklook.png")).findFirst().orElseThrow());
        }
        assertEquals(ExitCodes.CONFIG, CommandOutput.run("plan", "--config", config.toString(), "--no-scan")
                .exitCode());
        assertEquals(ExitCodes.CONFIG, CommandOutput.run("batch", "--config", config.toString()).exitCode());
    }

    /** {@code dir/pipeline.yaml}: the registry and runs in {@code dir}, the Landsat COG as scene l8, and these lines. */
    private static Path config(Path dir, String settings) throws IOException {
        return Files.writeString(dir.resolve("pipeline.yaml"), "registry: models\noutput: runs\n" + settings + """
                scenes:
                  - {id: l8, file: %s}
                """.formatted(SharedData.variant("l8_rgbn_cog.tif")));
    }

    /** The scene's tile count, from plan's "tiles: N (C x R)" line. */
    private static int tiles(String planOutput) {
        return Integer.parseInt(planOutput.replaceAll("(?s).*  tiles: (\\d+) \\(.*", "$1"));
    }
}
