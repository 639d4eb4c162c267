package io.tileinfer.core.run;

import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.scene.ValidationIssue;
import io.tileinfer.raster.RangeHttpServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credentials in an input's URL never reach what a run writes (the manifest, the output's STAC Item, the inputs'
 * stamps, the rows): a configuration that holds them is refused before anything is recorded, and a STAC Item whose
 * asset holds them is that scene's validation issue while the other scenes run.
 */
class CredentialsInInputsTest {
    private static final String SECRET = "s3cr3tSIGNATURE";

    @TempDir
    static Path shared;
    static Path registry;

    @BeforeAll
    static void registerModel() {
        registry = shared.resolve("models");
        TestModels.brightness(registry);
    }

    private static String yaml(String scenes) {
        return """
                registry: %s
                output: runs
                tiling: {size: 640, halo: 0}
                scenes:
                  - {id: l8, file: %s}
                %s
                """.formatted(registry, SharedData.variant("l8_rgbn_cog.tif"), scenes);
    }

    @Test
    void aConfigurationWithASignedInputIsRefusedBeforeAnythingIsRecorded(@TempDir Path dir) throws IOException {
        Path config = Runs.config(dir, yaml("  - {id: signed, file: \"https://h/B4.tif?X-Amz-Signature=" + SECRET
                + "\"}"));
        ConfigException refused = assertThrows(ConfigException.class, () -> Runs.run(config, 1));
        assertTrue(refused.getMessage().startsWith(config + ": scenes[1].file: has the query parameter "
                + "X-Amz-Signature (a signed URL), expected a location without credentials"), refused.getMessage());
        assertFalse(refused.getMessage().contains(SECRET), refused.getMessage());
        assertFalse(Files.exists(dir.resolve("runs")), "no run directory, no store");
    }

    /** The item is read over HTTP, and its assets' hrefs are relative ones with a signature, as a presigner gives. */
    @Test
    void aStacItemWithSignedAssetsIsThatScenesIssueAndTheOthersRun(@TempDir Path dir) throws Exception {
        Path served = Files.createDirectories(dir.resolve("served"));
        for (String band : List.of("B2", "B3", "B4", "B5")) {
            Files.copy(Path.of(SharedData.landsat(band)), served.resolve(band + ".tif"));
        }
        Path item = SharedData.landsatStacItem(served.resolve("LC08.json"));
        String text = Files.readString(item);
        for (String band : List.of("B2", "B3", "B4", "B5")) {
            text = text.replace(SharedData.landsat(band), band + ".tif?X-Amz-Date=20240101T000000Z&X-Amz-Signature="
                    + SECRET);
        }
        Files.writeString(item, text);
        try (RangeHttpServer http = RangeHttpServer.serve(served)) {
            RunSummary summary = Runs.run(Runs.config(dir, yaml("  - {stac: \"" + http.url("LC08.json") + "\"}")), 1);

            assertEquals(1, summary.counts().scenesFailed(), "the signed scene");
            Manifest manifest = Manifest.read(summary.manifest());
            assertEquals("l8", manifest.scenes().getFirst().id());
            assertTrue(manifest.scenes().getFirst().output() != null, "the other scene ran");
            List<ValidationIssue> issues = manifest.scenes().getLast().issues();
            assertEquals(1, issues.size(), issues.toString());
            assertTrue(issues.getFirst().message().startsWith(http.url("LC08.json") + ": assets.blue.href: found "
                    + "the query parameter X-Amz-Signature (a signed URL), expected"), issues.toString());
        }
        List<Path> holding = filesHolding(dir.resolve("runs"), SECRET);
        assertEquals(List.of(), holding, "nothing the run wrote holds the signature");
    }

    /** Every file under {@code dir} (run directory, store, logs) whose bytes hold {@code text}. */
    private static List<Path> filesHolding(Path dir, String text) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(file -> bytesOf(file).contains(text)).toList();
        }
    }

    /** A file's bytes as text, one character a byte: ASCII found anywhere, in a database or a GeoTIFF too. */
    private static String bytesOf(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
