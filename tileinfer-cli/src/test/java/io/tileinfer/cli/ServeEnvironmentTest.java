package io.tileinfer.cli;

import io.tileinfer.core.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * `tileinfer serve` in a JVM of its own, told where to listen by TILEINFER_LISTEN_HOST and TILEINFER_LISTEN_PORT
 * alone, as the Docker image tells it (the environment is fixed when a JVM starts, hence a JVM apart). Kubernetes'
 * service link TILEINFER_PORT=tcp://... beside them changes nothing.
 */
class ServeEnvironmentTest {

    /** Linux answers on all of 127/8; a server on the default 127.0.0.1 is not reachable at this address. */
    private static final String HOST = "127.0.0.2";

    @Test
    void serveListensWhereTheEnvironmentSaysWithoutHostOrPort(@TempDir Path dir) throws Exception {
        Path registry = dir.resolve("models");
        TestModels.brightness(registry);
        int port = freePort();
        Path log = dir.resolve("serve.log");
        Process serve = tileinfer(dir, log, Map.of("TILEINFER_LISTEN_HOST", HOST, "TILEINFER_LISTEN_PORT",
                String.valueOf(port), "TILEINFER_PORT", "tcp://10.96.0.12:8080"), "serve", "--registry",
                registry.toString());
        try {
            HttpResponse<String> ready = awaitAnswer(URI.create("http://" + HOST + ":" + port + "/v2/health/ready"),
                    serve, log);
            assertEquals(200, ready.statusCode(), ready.body());
        } finally {
            serve.destroy(); // SIGTERM: serve drains and exits
            if (!serve.waitFor(60, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
    }

    @Test
    void serveHelpNamesTheVariablesAndTheDefaultsTheyGive(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("help.log");
        Process help = tileinfer(dir, log, Map.of("TILEINFER_LISTEN_HOST", "0.0.0.0", "TILEINFER_LISTEN_PORT", "8080"),
                "serve", "--help");
        assertTrue(help.waitFor(60, TimeUnit.SECONDS), "serve --help did not end");
        String text = String.join(" ", Files.readString(log).split("\\s+"));
        assertEquals(0, help.exitValue(), text);
        assertTrue(text.contains("--host=<host> Address to listen on; 0.0.0.0 in a container (default: "
                + "TILEINFER_LISTEN_HOST, else 127.0.0.1; here 0.0.0.0)."), text);
        assertTrue(text.contains("--port=<port> Port; 0 picks a free one (default: TILEINFER_LISTEN_PORT, else 8000; "
                + "here 8080)."), text);
    }

    private static Process tileinfer(Path dir, Path log, Map<String, String> environment, String... args)
            throws IOException {
        ProcessBuilder jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Tileinfer.class.getName());
        jvm.command().addAll(List.of(args));
        jvm.environment().remove("TILEINFER_LISTEN_HOST");
        jvm.environment().remove("TILEINFER_LISTEN_PORT");
        jvm.environment().putAll(environment);
        return jvm.directory(dir.toFile()) // the default result store, runs/results.db, goes there
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    /** The first answer at the URI, once serve has loaded its model; fails if serve exits or a minute goes by. */
    private static HttpResponse<String> awaitAnswer(URI uri, Process serve, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
            while (Instant.now().isBefore(deadline)) {
                if (!serve.isAlive()) {
                    fail("serve exited with " + serve.exitValue() + ": " + read(log));
                }
                try {
                    return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (IOException notListeningYet) {
                    Thread.sleep(200);
                }
            }
        }
        return fail("nothing answered at " + uri + " within 60 s: " + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
