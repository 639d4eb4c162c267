package io.tileinfer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
