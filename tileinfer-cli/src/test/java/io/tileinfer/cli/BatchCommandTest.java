package io.tileinfer.cli;

import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.config.UrlCredentials;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.model.Sha256;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `tileinfer batch` refusing bad input: one line naming the file and the setting, and the documented exit code. */
class BatchCommandTest {
    @TempDir
    static Path dir;
    static Path registry;
    static ModelVersion box;
    static ModelVersion fixed;

    @BeforeAll
    static void registerModel() {
        registry = dir.resolve("models");
        TestModels.brightness(registry);
        box = TestModels.boxFilter(registry, "box", 4); // a 9 x 9 window: its card's halo is its reach
        fixed = TestModels.fixedSide(registry, "fixed", 256); // mlm:input shape [-1, 4, 256, 256]
    }

    static Path config(String name, String settings) throws IOException {
        return Files.writeString(dir.resolve(name), """
                registry: %s
                %s
                scenes:
                  - {id: l8, file: %s}
                """.formatted(registry, settings, SharedData.variant("l8_rgbn_cog.tif")));
    }

    private static void assertFails(int exitCode, String message, CommandOutput result) {
        assertEquals(exitCode, result.exitCode(), result.err());
        assertEquals("tileinfer: " + message, result.err().lines().reduce((a, b) -> b).orElse(""), result.err());
    }

    /** The configuration's mistake (exit 2, nothing run), which plan finds too when it can tell beforehand. */
    @Test
    void anOutputThatCannotBeCreatedSaysWhy(@TempDir Path tmp) throws IOException {
        Path config = config("proc.yaml", "output: /proc/tileinfer-out");
        assertFails(ExitCodes.CONFIG, "cannot create the output directory /proc/tileinfer-out (output in " + config
                + "): no such file or directory", CommandOutput.run("batch", "--config", config.toString()));

        Path file = Files.writeString(tmp.resolve("a-file"), "");
        Path underFile = config("under-file.yaml", "output: " + file.resolve("runs"));
        String expected = "cannot create the output directory " + file.resolve("runs") + " (output in " + underFile
                + "): not a directory";
        assertFails(ExitCodes.CONFIG, expected, CommandOutput.run("batch", "--config", underFile.toString()));
        CommandOutput plan = CommandOutput.run("plan", "--config", underFile.toString(), "--no-scan");
        assertFails(ExitCodes.CONFIG, expected, plan);
        assertEquals("", plan.out());

        // a link to a directory that is gone: named as such, by plan as well
        Path link = Files.createSymbolicLink(tmp.resolve("runs-link"), tmp.resolve("gone"));
        Path dangling = config("dangling.yaml", "output: " + link);
        String gone = "cannot create the output directory " + link + " (output in " + dangling + "): a symbolic "
                + "link to missing " + tmp.resolve("gone");
        assertFails(ExitCodes.CONFIG, gone, CommandOutput.run("plan", "--config", dangling.toString(), "--no-scan"));
        assertFails(ExitCodes.CONFIG, gone, CommandOutput.run("batch", "--config", dangling.toString()));

        // links in a loop: named so, and the configuration's mistake for batch too (it was exit 1)
        Path a = Files.createSymbolicLink(tmp.resolve("a"), tmp.resolve("b"));
        Files.createSymbolicLink(tmp.resolve("b"), a);
        Path loop = config("loop.yaml", "output: " + a);
        String looping = "cannot create the output directory " + a + " (output in " + loop + "): a symbolic link in "
                + "a loop (to " + tmp.resolve("b") + ")";
        assertFails(ExitCodes.CONFIG, looping, CommandOutput.run("plan", "--config", loop.toString(), "--no-scan"));
        assertFails(ExitCodes.CONFIG, looping, CommandOutput.run("batch", "--config", loop.toString()));
    }

    /** Found before the run's row and directory are made: exit 2 means nothing was run, and nothing is recorded. */
    @Test
    void aDamagedModelIsRefusedBeforeTheRunIsRecorded(@TempDir Path tmp) throws Exception {
        ModelVersion version = TestModels.brightness(tmp.resolve("models"));
        Files.writeString(version.onnxPath(), "not the registered model");
        Path out = tmp.resolve("runs");
        Path config = Files.writeString(tmp.resolve("damaged.yaml"), """
                registry: %s
                output: %s
                scenes:
                  - {id: l8, file: %s}
                """.formatted(tmp.resolve("models"), out, SharedData.variant("l8_rgbn_cog.tif")));
        String changed = version.onnxPath() + ": SHA-256 " + Sha256.ofFile(version.onnxPath()) + ", registered as "
                + version.onnxSha256() + ": the file changed after registration (run tileinfer models verify)";
        assertFails(ExitCodes.CONFIG, changed, CommandOutput.run("batch", "--config", config.toString()));
        assertFalse(Files.exists(out), "no run directory, no store");
        CommandOutput plan = CommandOutput.run("plan", "--config", config.toString());
        assertFails(ExitCodes.CONFIG, changed, plan);
        assertEquals("", plan.out(), "no plan of a run batch would refuse");
    }

    /** Credentials in a scene's URL: refused by batch and plan before anything is recorded, never repeated. */
    @Test
    void aSceneWithCredentialsInItsUrlIsRefusedBeforeTheRunIsRecorded(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("runs");
        Path config = Files.writeString(tmp.resolve("signed.yaml"), """
                registry: %s
                output: %s
                scenes:
                  - {id: l8, file: %s}
                  - {id: b, bands: {B2: "https://bob:s3cr3t@imagery.example.org/B2.tif"}}
                """.formatted(registry, out, SharedData.variant("l8_rgbn_cog.tif")));
        String message = config + ": scenes[1].bands.B2: has user-info (user:password@ before the host), expected "
                + UrlCredentials.EXPECTED;
        CommandOutput batch = CommandOutput.run("batch", "--config", config.toString());
        assertFails(ExitCodes.CONFIG, message, batch);
        assertFalse(Files.exists(out), "no run directory, no store");
        CommandOutput plan = CommandOutput.run("plan", "--config", config.toString());
        assertFails(ExitCodes.CONFIG, message, plan);
        assertEquals("", plan.out());
        assertFalse((batch.out() + batch.err() + plan.err()).contains("s3cr3t"));
    }

    /** The lock is held here (by this JVM, as another process would hold it): the command stops at once. */
    @Test
    void aRunHeldByAnotherProcessStopsTheCommandWithOneLine(@TempDir Path out) throws Exception {
        Path config = config("held.yaml", "output: " + out + "\ntiling: {size: 64, halo: 8}");
        assertEquals(ExitCodes.OK, CommandOutput.run("batch", "--config", config.toString()).exitCode());
        Path runDir;
        try (var runs = Files.list(out)) {
            runDir = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path lockFile = runDir.resolve("run.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            CommandOutput held = CommandOutput.run("batch", "--config", config.toString());
            assertFails(ExitCodes.INTERNAL, "run " + runDir.getFileName() + " is being run by another process (lock "
                    + lockFile + "); wait for it or stop it", held);
        }
    }

    /** A model name with a typo is named with where it came from: the configuration's key, or the command line. */
    @Test
    void anUnknownModelIsNamedWithTheConfigurationsKey() throws IOException {
        Path config = config("typo.yaml", "model: prodution");
        String unknown = registry + ": unknown model version or alias 'prodution'; versions: ";
        for (String command : new String[]{"batch", "plan"}) {
            CommandOutput result = CommandOutput.run(command, "--config", config.toString());
            assertEquals(ExitCodes.CONFIG, result.exitCode(), result.err());
            assertTrue(result.err().contains("tileinfer: " + config + ": model: " + unknown), result.err());
        }
        Path fine = config("fine.yaml", "model: production");
        CommandOutput result = CommandOutput.run("batch", "--config", fine.toString(), "--model", "prodution");
        assertEquals(ExitCodes.CONFIG, result.exitCode(), result.err());
        assertTrue(result.err().contains("tileinfer: " + unknown), "--model's is not the file's: " + result.err());
        assertFalse(result.err().contains(fine + ": model:"), result.err());
    }

    /**
     * A halo below the card's has each tile's edge predicted from padding: refused when cropping (the seams stay),
     * and when blending with an overlap under twice what the halo lacks; a blend that covers it is only warned about.
     */
    @Test
    void aHaloBelowTheModelCardsIsRefusedUnlessABlendCoversIt(@TempDir Path tmp) throws IOException {
        String card = "the halo of 4 px on the card of model " + box.id() + " (tileinfer:halo, the model's reach "
                + "around a pixel)";
        Map<String, String> refused = Map.of(
                "{size: 64, halo: 0}", "tiling.halo: is 0, below " + card + ": cropped tiles would show seams where "
                        + "each tile's edge is predicted from padding; expected a halo of at least 4 (or no "
                        + "tiling.halo: the card's), or stitch: blend with an overlap of at least 8",
                "{size: 64, halo: 1}", "tiling.halo: is 1, below " + card + ": cropped tiles would show seams where "
                        + "each tile's edge is predicted from padding; expected a halo of at least 4 (or no "
                        + "tiling.halo: the card's), or stitch: blend with an overlap of at least 6",
                "{size: 64, halo: 0, stitch: blend, overlap: 4}", "tiling.halo: is 0 with stitch: blend and an "
                        + "overlap of 4, below " + card + ": an overlap under twice the 4 px the halo lacks leaves "
                        + "pixels that no tile predicts with the whole reach; expected a halo of at least 4 (or no "
                        + "tiling.halo: the card's), or an overlap of at least 8");
        for (Map.Entry<String, String> tiling : refused.entrySet()) {
            Path out = tmp.resolve("runs");
            Path config = config("halo.yaml", "model: box\noutput: " + out + "\ntiling: " + tiling.getKey());
            assertFails(ExitCodes.CONFIG, config + ": " + tiling.getValue(),
                    CommandOutput.run("batch", "--config", config.toString()));
            assertFalse(Files.exists(out), "nothing recorded: " + tiling.getKey());
            CommandOutput plan = CommandOutput.run("plan", "--config", config.toString(), "--no-scan");
            assertFails(ExitCodes.CONFIG, config + ": " + tiling.getValue(), plan);
            assertEquals("", plan.out(), "no plan of a run that would be refused");
        }

        Path covered = config("covered.yaml", "model: box\ntiling: {size: 64, halo: 0, stitch: blend, overlap: 8}");
        CommandOutput plan = CommandOutput.run("plan", "--config", covered.toString(), "--no-scan");
        assertEquals(ExitCodes.OK, plan.exitCode(), plan.err());
        assertTrue(plan.out().contains("\nwarning: " + covered + ": tiling.halo: is 0, below " + card + ": with "
                + "stitch: blend and an overlap of 8 each tile edge predicted from padding is blended with a "
                + "neighbour's prediction that sees the whole reach, close to a whole-scene prediction but not equal "
                + "to it; a halo of 4 would leave those edges out\n"), plan.out());
        for (String fine : new String[]{"{size: 64, halo: 4}", "{size: 64}", "{size: 64, halo: 6}"}) {
            Path config = config("fine-halo.yaml", "model: box\ntiling: " + fine);
            CommandOutput finePlan = CommandOutput.run("plan", "--config", config.toString(), "--no-scan");
            assertEquals(ExitCodes.OK, finePlan.exitCode(), fine + ": " + finePlan.err());
            assertFalse(finePlan.out().contains("warning:"), finePlan.out());
        }
    }

    /**
     * A model whose input shape fixes its height and width takes tiles of that size only (halo included): any other
     * failed in ONNX Runtime on every tile, and the run published an all-nodata raster.
     */
    @Test
    void aTileSizeTheModelsFixedInputCannotTakeIsRefusedBeforeAnythingRuns(@TempDir Path tmp) throws IOException {
        for (String tiling : new String[]{"{size: 64}", "{size: 240, halo: 8}", "{size: 272, halo: 8}"}) {
            Path out = tmp.resolve("runs");
            Path config = config("fixed.yaml", "model: fixed\noutput: " + out + "\ntiling: " + tiling);
            String size = tiling.replaceAll("\\{size: (\\d+).*", "$1");
            String message = config + ": tiling.size: is " + size + ", but model " + fixed.id() + " takes tiles of "
                    + "256 x 256 px only (its card's mlm:input shape [-1, 4, 256, 256]; tiling.size is the model's "
                    + "input, halo included), expected 256 or no tiling.size (the card's)";
            assertFails(ExitCodes.CONFIG, message, CommandOutput.run("batch", "--config", config.toString()));
            assertFalse(Files.exists(out), "nothing recorded: " + tiling);
            CommandOutput plan = CommandOutput.run("plan", "--config", config.toString(), "--no-scan");
            assertFails(ExitCodes.CONFIG, message, plan);
            assertEquals("", plan.out(), "no plan of a run that would be refused");
        }
        for (String tiling : new String[]{"{size: 256, halo: 8}", "{halo: 8}"}) {
            Path config = config("fixed-fine.yaml", "model: fixed\ntiling: " + tiling);
            CommandOutput plan = CommandOutput.run("plan", "--config", config.toString(), "--no-scan");
            assertEquals(ExitCodes.OK, plan.exitCode(), tiling + ": " + plan.err());
            assertTrue(plan.out().contains("tiles of 256 px with a 8 px halo"), plan.out());
        }
    }

    @Test
    void aCrsGdalDoesNotKnowIsNamedWithTheConfigurationBeforeAnythingRuns() throws IOException {
        Path config = config("crs.yaml", "crs: EPSG:nope");
        String message = config + ": crs: EPSG:nope: not a CRS GDAL understands: PROJ: proj_create_from_database: "
                + "crs not found, expected a CRS such as EPSG:32616";
        assertFails(ExitCodes.CONFIG, message, CommandOutput.run("batch", "--config", config.toString()));
        assertFails(ExitCodes.CONFIG, message, CommandOutput.run("plan", "--config", config.toString()));
    }

    @Test
    void aStoreUrlNoModuleServesIsNamedWithTheConfiguration() throws IOException {
        Path config = config("store.yaml", "store: {url: \"jdbc:mysql://x/y\"}");
        String message = config + ": store.url: jdbc:mysql://x/y: no result store for this URL; expected one of "
                + "[jdbc:sqlite:..., jdbc:postgresql:...] (jdbc:postgresql: needs the tileinfer-postgres module on the "
                + "class path)";
        assertFails(ExitCodes.CONFIG, message, CommandOutput.run("batch", "--config", config.toString()));
        CommandOutput plan = CommandOutput.run("plan", "--config", config.toString());
        assertFails(ExitCodes.CONFIG, message, plan);
        assertEquals("", plan.out(), "no plan is printed for a configuration that cannot run");
    }

    /** A store that cannot be opened is named with the setting that named it, and no run directory is left. */
    @Test
    void aStoreThatCannotBeOpenedLeavesNoRunDirectory(@TempDir Path tmp) throws IOException {
        Path notADatabase = Files.writeString(tmp.resolve("results.db"), "registry: not a database\n");
        Path out = tmp.resolve("runs");
        Path config = config("bad-store.yaml", "output: " + out + "\nstore: {url: \"jdbc:sqlite:" + notADatabase
                + "\"}");
        CommandOutput result = CommandOutput.run("batch", "--config", config.toString());
        assertEquals(ExitCodes.INTERNAL, result.exitCode(), result.err());
        String last = result.err().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("tileinfer: jdbc:sqlite:" + notADatabase) && last.endsWith("(from " + config
                + ": store.url)"), last);
        try (var runs = Files.list(out)) {
            assertEquals(List.of(), runs.toList(), "no run directory, no lock file");
        }
    }

    @Test
    void anAcquisitionTimeThatIsNoTimeIsTheConfigurationsMistake() throws IOException {
        Path config = Files.writeString(dir.resolve("acquired.yaml"), """
                registry: %s
                scenes:
                  - {id: l8, file: %s, acquired: "yesterday"}
                """.formatted(registry, SharedData.variant("l8_rgbn_cog.tif")));
        String message = config + ": scenes[0].acquired: found \"yesterday\", expected an RFC 3339 date-time with a "
                + "time zone (Z or ±hh:mm), such as 2015-08-04T16:19:21Z";
        assertFails(ExitCodes.CONFIG, message, CommandOutput.run("batch", "--config", config.toString()));
        assertFails(ExitCodes.CONFIG, message, CommandOutput.run("plan", "--config", config.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "100000", "many"})
    void workersOutsideTheConfigurationsRangeAreAUsageError(String workers) throws IOException {
        Path config = config("workers.yaml", "");
        CommandOutput result = CommandOutput.run("batch", "--config", config.toString(), "--workers", workers);
        assertEquals(ExitCodes.CONFIG, result.exitCode(), result.err());
        assertEquals("Invalid value for option '--workers': found \"" + workers + "\", expected a whole number from 1 "
                + "to 256", result.err().lines().findFirst().orElse(""));
    }
}
