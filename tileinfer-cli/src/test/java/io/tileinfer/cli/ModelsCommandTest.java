package io.tileinfer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.TestModels;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.model.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelsCommandTest {

    @Test
    void listSaysWhichVersionsItCannotRead(@TempDir Path registry) throws Exception {
        Path cardless = Files.createDirectories(registry.resolve("versions/cloud-0123456789ab"));
        Files.writeString(cardless.resolve("model.onnx"), "not read: the card is missing");

        CommandOutput result = CommandOutput.run("models", "list", "--registry", registry.toString());

        assertEquals(ExitCodes.OK, result.exitCode());
        assertEquals("no model versions in " + registry + System.lineSeparator(), result.out());
        assertEquals("tileinfer: 1 version(s) of " + registry + " cannot be read and are not listed: "
                + "cloud-0123456789ab; `tileinfer models verify` says why" + System.lineSeparator(), result.err());

        CommandOutput verify = CommandOutput.run("models", "verify", "--registry", registry.toString());
        assertEquals(ExitCodes.INVALID, verify.exitCode());
        assertTrue(verify.out().contains("PROBLEM cloud-0123456789ab: "), verify.toString());
    }

    /** Which raw value a band's files mean as no data is the card's to say, and show says it. */
    @Test
    void showSaysEachBandsNodata(@TempDir Path registry) {
        TestModels.brightnessOverFill(registry, "fill");
        TestModels.brightness(registry);
        CommandOutput fill = CommandOutput.run("models", "show", "fill", "--registry", registry.toString());
        assertEquals(ExitCodes.OK, fill.exitCode(), fill.toString());
        assertTrue(fill.out().contains("  band      B2     blue     raw * 2.0E-5 + -0.1, nodata 0"
                + System.lineSeparator()), fill.out());
        CommandOutput none = CommandOutput.run("models", "show", "production", "--registry", registry.toString());
        assertTrue(none.out().contains("  band      B2     blue     raw * 2.0E-5 + -0.1" + System.lineSeparator()),
                none.out());
    }

    /** A mistyped --registry is not an empty registry whose files all match. */
    @Test
    void aRegistryThatDoesNotExistIsACommandLineMistake(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-registry");
        for (String command : new String[] {"list", "verify"}) {
            CommandOutput result = CommandOutput.run("models", command, "--registry", missing.toString());
            assertEquals(ExitCodes.CONFIG, result.exitCode(), result.toString());
            assertEquals("tileinfer: " + missing + ": no such directory, expected a model registry (train a model "
                    + "with tileinfer train or import one, or name an existing registry with --registry)",
                    result.err().strip());
            assertTrue(Files.notExists(missing));
        }
    }

    @Test
    void importRefusesACardWhoseInputShapeFixesAnotherSideThanItsTileSize(@TempDir Path dir) throws Exception {
        ModelVersion made = TestModels.brightness(dir.resolve("elsewhere")); // dynamic H and W, 64 px tiles
        Path onnx = Files.copy(made.onnxPath(), dir.resolve("model.onnx"));
        Path card = dir.resolve("card.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(made.onnxPath().resolveSibling("card.json").toFile());
        ArrayNode shape = (ArrayNode) root.get("mlm:input").get(0).get("input").get("shape");
        shape.set(2, 32);
        shape.set(3, 32);
        json.writeValue(card.toFile(), root);
        Path registry = dir.resolve("registry");

        CommandOutput result = CommandOutput.run("models", "import", onnx.toString(), "--card", card.toString(),
                "--registry", registry.toString());

        assertEquals(ExitCodes.CONFIG, result.exitCode(), result.toString());
        assertEquals("tileinfer: " + card + ": mlm:input shape [-1, 4, 32, 32] fixes the height at 32 px but "
                + "tileinfer:tile_size is 64, expected -1 (any size) or 64" + System.lineSeparator(), result.err());
        assertEquals("", result.out());
    }

    /** `models verify` fails on a version whose model changed: `promote` does not point an alias at it. */
    @Test
    void promoteRefusesAVersionWhoseModelChanged(@TempDir Path registry) throws Exception {
        ModelVersion version = TestModels.brightness(registry); // production -> version
        byte[] changed = Files.readAllBytes(version.onnxPath());
        changed[100] = 0x41;
        Files.write(version.onnxPath(), changed);

        CommandOutput result = CommandOutput.run("models", "promote", version.id(), "--alias", "staging",
                "--registry", registry.toString());

        assertEquals(ExitCodes.CONFIG, result.exitCode(), result.toString());
        assertEquals("tileinfer: cannot point staging at " + version.id() + ": " + version.onnxPath() + ": SHA-256 "
                + Sha256.hex(changed) + ", registered as " + version.onnxSha256() + ": the file changed after "
                + "registration (run tileinfer models verify)" + System.lineSeparator(), result.err());
        assertEquals("", result.out());
        assertFalse(Files.readString(registry.resolve("aliases.json")).contains("staging"), "no alias staging");
    }

    /** The same model and card imported over a damaged copy repair it (they give its id, so they are its files). */
    @Test
    void importingTheSameModelAgainRepairsADamagedCopy(@TempDir Path dir) throws Exception {
        ModelVersion made = TestModels.brightness(dir.resolve("elsewhere"));
        Path onnx = Files.copy(made.onnxPath(), dir.resolve("model.onnx"));
        Path card = Files.copy(made.onnxPath().resolveSibling("card.json"), dir.resolve("card.json"));
        String registry = dir.resolve("registry").toString();
        assertEquals(ExitCodes.OK, CommandOutput.run("models", "import", onnx.toString(), "--card", card.toString(),
                "--registry", registry).exitCode());
        Path stored = dir.resolve("registry/versions").resolve(made.id()).resolve("model.onnx");
        byte[] changed = Files.readAllBytes(stored);
        changed[100] = 0x41;
        Files.write(stored, changed);

        CommandOutput result = CommandOutput.run("models", "import", onnx.toString(), "--card", card.toString(),
                "--registry", registry);

        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertEquals("imported " + onnx + " as " + made.id() + System.lineSeparator(), result.out());
        assertEquals("tileinfer: repaired " + made.id() + ", whose files had changed after registration (" + made.id()
                + ": model.onnx: SHA-256 " + Sha256.hex(changed) + ", registered as " + made.onnxSha256() + ": the "
                + "file changed after registration): rewritten from this registration's model and card, which are the "
                + "version's" + System.lineSeparator(), result.err());
        assertArrayEquals(Files.readAllBytes(onnx), Files.readAllBytes(stored));
        assertEquals(ExitCodes.OK, CommandOutput.run("models", "verify", "--registry", registry).exitCode());
        assertEquals(ExitCodes.OK, CommandOutput.run("models", "promote", made.id(), "--alias", "production",
                "--registry", registry).exitCode());
    }

    /** Stored, it would say 2 classes under the id of a right card: refused, naming the field and the classes. */
    @Test
    void importRefusesACardWhoseOutputShapeHasOtherClasses(@TempDir Path dir) throws Exception {
        ModelVersion made = TestModels.brightness(dir.resolve("elsewhere")); // two classes
        Path onnx = Files.copy(made.onnxPath(), dir.resolve("model.onnx"));
        Path card = dir.resolve("card.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(made.onnxPath().resolveSibling("card.json").toFile());
        ((ArrayNode) root.get("mlm:output").get(0).get("result").get("shape")).set(1, 7);
        json.writeValue(card.toFile(), root);
        Path registry = dir.resolve("registry");

        CommandOutput result = CommandOutput.run("models", "import", onnx.toString(), "--card", card.toString(),
                "--registry", registry.toString());

        assertEquals(ExitCodes.CONFIG, result.exitCode(), result.toString());
        assertEquals("tileinfer: " + card + ": mlm:output[0].result.shape: expected [-1, 2, -1, -1] (batch, one "
                + "channel per class of classification:classes, the height and width of mlm:input's shape), found "
                + "[-1,7,-1,-1]" + System.lineSeparator(), result.err());
        assertFalse(Files.exists(registry));
    }

    /** A version with three aliases: its row's columns stay under their headings. */
    @Test
    void listColumnsAreAsWideAsTheirWidestCell(@TempDir Path registry) throws Exception {
        ModelVersion version = TestModels.brightness(registry); // production -> version
        for (String alias : new String[] {"staging", "candidate-2026-11"}) {
            assertEquals(ExitCodes.OK, CommandOutput.run("models", "promote", version.id(), "--alias", alias,
                    "--registry", registry.toString()).exitCode());
        }

        CommandOutput result = CommandOutput.run("models", "list", "--registry", registry.toString());

        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        String[] lines = result.out().split(System.lineSeparator());
        assertEquals(2, lines.length, result.out());
        String aliases = "candidate-2026-11, production, staging";
        assertEquals(lines[0].indexOf("ALIASES"), lines[1].indexOf(aliases), result.out());
        for (String heading : new String[] {"F1", "BANDS", "CLASSES"}) {
            int column = lines[0].indexOf(heading);
            assertTrue(lines[1].charAt(column - 1) == ' ' && lines[1].charAt(column) != ' ', result.out());
        }
        assertTrue(lines[1].indexOf(aliases) + aliases.length() < lines[0].indexOf("F1"), result.out());
    }

    @Test
    void listNamesAnAliasWhoseVersionIsMissing(@TempDir Path registry) throws Exception {
        ModelVersion version = TestModels.brightness(registry); // production -> version
        Files.writeString(registry.resolve("aliases.json"), "{\"production\": \"" + version.id()
                + "\", \"staging\": \"bright-test-000000000000\"}");

        CommandOutput result = CommandOutput.run("models", "list", "--registry", registry.toString());

        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains(version.id()), result.toString());
        assertEquals("tileinfer: 1 alias(es) of " + registry + " point to a version that is not listed: staging -> "
                + "bright-test-000000000000 (no such version); `tileinfer models promote` points an alias elsewhere"
                + System.lineSeparator(), result.err());
    }

    @Test
    void aCorruptAliasesFileIsAnIoFailureThatSaysHowToRepairIt(@TempDir Path registry) throws Exception {
        ModelVersion version = TestModels.brightness(registry);
        Path aliases = Files.writeString(registry.resolve("aliases.json"), "{\"production\": ");
        String expected = "tileinfer: " + aliases + ": not valid JSON: line 1, column 16: Unexpected end-of-input "
                + "within/between Object entries, expected an object of alias names to version ids; repair it by hand "
                + "or delete it and promote the aliases again" + System.lineSeparator();

        CommandOutput list = CommandOutput.run("models", "list", "--registry", registry.toString());
        CommandOutput promote = CommandOutput.run("models", "promote", version.id(), "--alias", "staging",
                "--registry", registry.toString());

        assertEquals(ExitCodes.INTERNAL, list.exitCode(), list.toString());
        assertEquals(expected, list.err());
        assertEquals(ExitCodes.INTERNAL, promote.exitCode(), promote.toString());
        assertEquals(expected, promote.err());
        assertEquals("{\"production\": ", Files.readString(aliases), "promote leaves the file as it was");
    }
}
