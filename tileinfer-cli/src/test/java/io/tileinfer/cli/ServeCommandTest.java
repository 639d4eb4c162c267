package io.tileinfer.cli;

import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** `tileinfer serve` refusing to start: one line on stderr naming what is wrong, and the documented exit code. */
class ServeCommandTest {

    @Test
    void aPortInUseEndsServeAtOnceWithOneLineAndTheIoFailureExitCode(@TempDir Path dir) throws Exception {
        Path registry = dir.resolve("models");
        TestModels.brightness(registry);
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            CommandOutput result = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CommandOutput.run(
                    "serve", "--registry", registry.toString(), "--port", String.valueOf(port)),
                    "serve kept running on a port in use");
            assertEquals("tileinfer: cannot listen on 127.0.0.1:" + port + ": the port is in use by another "
                    + "process: stop it or choose another --port\n", result.err());
            assertEquals(ExitCodes.INTERNAL, result.exitCode());
        }
    }

    @Test
    void anApiKeyFileThatCannotBeReadOrIsEmptyIsNamed(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nonexistent");
        assertRefused("tileinfer: --api-key-file " + missing + ": cannot be read: no such file or directory, expected a readable "
                + "file holding the API key\n", "serve", "--api-key-file", missing.toString());
        Path empty = Files.writeString(dir.resolve("empty-key"), " \n");
        assertRefused("tileinfer: --api-key-file " + empty + ": the file is empty, expected the API key in it\n",
                "serve", "--api-key-file", empty.toString());
    }

    @Test
    void aRequestTimeoutOfZeroSaysSecondsAndTheRange() {
        assertRefused("tileinfer: request timeout (--request-timeout) must be more than 0 s, found 0 s\n",
                "serve", "--request-timeout", "0");
    }

    @Test
    void aCrsGdalDoesNotKnowOrAStoreNoModuleServesIsAUsageError() {
        CommandOutput crs = CommandOutput.run("serve", "--crs", "EPSG:nope");
        assertEquals(ExitCodes.CONFIG, crs.exitCode());
        assertTrue(crs.err().startsWith("Invalid value for option '--crs': EPSG:nope: not a CRS GDAL understands"),
                crs.err());
        assertTrue(crs.err().contains("expected a CRS such as EPSG:32616"), crs.err());
        CommandOutput store = CommandOutput.run("serve", "--store", "jdbc:mysql://db/results");
        assertEquals(ExitCodes.CONFIG, store.exitCode());
        assertTrue(store.err().startsWith("tileinfer: --store: jdbc:mysql://db/results: no result store for this URL; "
                + "expected one of"), store.err());
    }

    private static void assertRefused(String stderr, String... args) {
        CommandOutput result = CommandOutput.run(args);
        assertEquals(stderr, result.err());
        assertEquals(ExitCodes.CONFIG, result.exitCode());
    }
}
