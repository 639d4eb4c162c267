package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM on a real server process: readiness turns false, the request in flight finishes, then it exits; a second
 * SIGTERM during the drain ends it at once.
 */
class ShutdownTest {

    /**
     * The JVM's status after a SIGTERM it handled (shutdown hooks ran): 128 + 15, the shell's convention for "ended by
     * SIGTERM", which Kubernetes and systemd treat as a normal stop. A crash would be 134 (SIGABRT) or 139 (SIGSEGV).
     */
    private static final int EXIT_ON_SIGTERM = 143;

    @Test
    void sigtermDrainsTheRequestInFlightAndLogsEveryRequestAsJson(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("server.log");
        Process process = serve(dir, 3000, log);
        try {
            int port = port(process, log);
            Http http = new Http(port);
            assertEquals(200, http.get("/v2/health/ready").statusCode());

            Path tile = Tiles.cut(Tiles.COG, new io.tileinfer.raster.Window(256, 256, 256, 256), dir);
            try (SlowUpload slow = new SlowUpload(port, "/v1/predict", Files.readAllBytes(tile))) {
                Thread.sleep(300); // the upload is in flight
                process.destroy(); // SIGTERM
                int ready = 200;
                for (int i = 0; i < 100 && ready == 200; i++) {
                    Thread.sleep(20);
                    ready = http.get("/v2/health/ready").statusCode();
                }
                assertEquals(503, ready);
                assertTrue(process.isAlive());
                assertEquals(200, http.get("/v2").statusCode(), "answered during the delay");
                // past the delay: new requests are refused, the probes and the one in flight go on
                HttpResponse<byte[]> refused = http.get("/v2");
                for (int i = 0; i < 400 && refused.statusCode() == 200; i++) {
                    Thread.sleep(20);
                    refused = http.get("/v2");
                }
                assertEquals(503, refused.statusCode());
                assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
                assertTrue(Http.json(refused).get("error").asText().startsWith("the server is shutting down"));
                assertEquals(200, http.get("/v2/health/live").statusCode(), "its probes are still answered");
                SlowUpload.Response inFlight;
                try {
                    inFlight = slow.finish();
                } catch (java.io.IOException e) {
                    process.waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError(e.getMessage() + "; server " + (process.isAlive() ? "alive"
                            : "exited " + process.exitValue()) + "; log: " + read(log), e);
                }
                assertEquals(200, inFlight.status(), inFlight.body());
            }
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the server did not stop");
            assertEquals(EXIT_ON_SIGTERM, process.exitValue(), () -> "exit code; log: " + read(log));
        } finally {
            process.destroyForcibly();
        }
        List<JsonNode> access = Files.readAllLines(log).stream().filter(l -> l.startsWith("{"))
                .map(ShutdownTest::parse).filter(n -> n.path("logger_name").asText().equals("tileinfer.access"))
                .toList();
        JsonNode predict = access.stream().filter(n -> n.path("endpoint").asText().equals("/v1/predict"))
                .findFirst().orElseThrow(() -> new AssertionError("no access log line for /v1/predict"));
        assertEquals(200, predict.get("status").asInt());
        assertTrue(predict.get("latency_ms").asDouble() > 0);
        assertEquals(64, predict.get("input_sha256").asText().length());
        assertTrue(predict.get("request_id").asText().length() > 0);
        assertTrue(Files.readString(log).contains("stopped after every request finished"));
    }

    @Test
    void aSecondSigtermDuringTheDrainEndsTheServerAtOnce(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("server.log");
        Process process = serve(dir, 120_000, log); // the drain alone would take two minutes
        try {
            Http http = new Http(port(process, log));
            assertEquals(200, http.get("/v2/health/ready").statusCode());
            process.destroy(); // SIGTERM: the drain starts
            int ready = 200;
            for (int i = 0; i < 250 && ready == 200; i++) {
                Thread.sleep(20);
                ready = http.get("/v2/health/ready").statusCode();
            }
            assertEquals(503, ready, "the first SIGTERM did not start the drain");
            process.destroy(); // the second SIGTERM
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the second SIGTERM did not end the server");
            assertEquals(EXIT_ON_SIGTERM, process.exitValue(), () -> "exit code; log: " + read(log));
            assertFalse(read(log).contains("stopped after every request finished"), () -> read(log));
        } finally {
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
        }
    }

    /** ServeMain in its own JVM, its standard error in {@code log}. */
    private static Process serve(Path dir, long shutdownDelayMillis, Path log) throws java.io.IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dlogback.configurationFile=logback-serve.xml",
                "-cp", System.getProperty("java.class.path"), ServeMain.class.getName(),
                dir.resolve("models").toString(), Long.toString(shutdownDelayMillis))
                .directory(dir.toFile()) // where a JVM crash would leave its hs_err file
                .redirectError(log.toFile()).start();
    }

    /** The port the server prints once it listens. */
    private static int port(Process process, Path log) throws java.io.IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null && line.startsWith("port "), "no port from the server: " + Files.readString(log));
        return Integer.parseInt(line.substring("port ".length()));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static JsonNode parse(String line) {
        try {
            return Http.JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
