package io.tileinfer.cli;

import io.tileinfer.api.ApiServer;
import io.tileinfer.api.ApiSettings;
import io.tileinfer.raster.Crs;
import io.tileinfer.raster.FileErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code tileinfer serve}: the online inference API for one model version. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over HTTP: Open Inference Protocol v2 and GeoTIFF tiles (POST /v1/predict), "
                + "and the read-only web page of runs, maps and models at /ui. "
                + "SIGTERM drains: readiness turns false, requests in flight finish, then it exits; a second "
                + "SIGTERM exits at once.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "production", description = "Model version or alias (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--registry", defaultValue = "models", description = "The model registry directory (default: ${DEFAULT-VALUE}).")
    Path registry;

    // The environment's defaults let an image say where it listens: the Docker image sets both (its port and
    // health check are 8080), so that `docker run ... tileinfer serve` is reachable without --host and --port.
    // Not TILEINFER_PORT: Kubernetes defines <SERVICE>_PORT=tcp://... in every pod of a Service named tileinfer.
    @Option(names = "--host", defaultValue = "${env:TILEINFER_LISTEN_HOST:-127.0.0.1}",
            description = "Address to listen on; 0.0.0.0 in a container (default: TILEINFER_LISTEN_HOST, else "
                    + "127.0.0.1; here ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:TILEINFER_LISTEN_PORT:-8000}",
            description = "Port; 0 picks a free one (default: TILEINFER_LISTEN_PORT, else 8000; here "
                    + "${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--max-body-mb", defaultValue = "16", description = "Largest request body in MiB (default: ${DEFAULT-VALUE}).")
    int maxBodyMb;

    @Option(names = "--max-tile-side", defaultValue = "1024", description = "Largest tile side in pixels; a request holds at most its square (default: ${DEFAULT-VALUE}).")
    int maxTileSide;

    @Option(names = "--max-in-flight", defaultValue = "32", description = "Inference requests in flight; beyond, 503 with Retry-After (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--max-connections", defaultValue = "0", description = "Connections open at once; beyond, new ones wait to be accepted (default: sized from the file descriptor limit, leaving 256 for the process).")
    int maxConnections;

    @Option(names = "--workers", description = "Inference threads (default: one per core).")
    Integer workers;

    @Option(names = "--request-timeout", defaultValue = "30", description = "Seconds a request may take, body included (default: ${DEFAULT-VALUE}).")
    int requestTimeoutSeconds;

    @Option(names = "--crs", converter = CrsOption.class,
            description = "Every GeoTIFF tile must be in this CRS, e.g. EPSG:32616.")
    Crs crs;

    @Option(names = "--api-key-file", description = "File holding the bearer token the inference endpoints require "
            + "(or set TILEINFER_API_KEY); without either they are open.")
    Path apiKeyFile;

    @Option(names = "--store", description = "The result store whose runs the web page (/ui) shows, e.g. "
            + "jdbc:sqlite:runs/results.db or jdbc:postgresql://... (default: TILEINFER_STORE_URL, else "
            + "jdbc:sqlite:runs/results.db).")
    String store;

    @Option(names = "--shutdown-delay", defaultValue = "0", description = "Seconds readiness reports false before the server stops taking requests, on SIGTERM (default: ${DEFAULT-VALUE}).")
    int shutdownDelaySeconds;

    @Option(names = "--shutdown-timeout", defaultValue = "30", description = "Seconds to wait for requests in flight on SIGTERM (default: ${DEFAULT-VALUE}).")
    int shutdownTimeoutSeconds;

    /** @throws java.net.BindException when the host and port cannot be listened on: exit code 1, an I/O failure */
    @Override
    public Integer call() throws IOException {
        ApiSettings settings = new ApiSettings(host, port, (long) maxBodyMb << 20, maxTileSide, maxInFlight,
                workers != null ? workers : Runtime.getRuntime().availableProcessors(),
                Duration.ofSeconds(requestTimeoutSeconds), apiKey(), crs,
                Duration.ofSeconds(shutdownDelaySeconds), Duration.ofSeconds(shutdownTimeoutSeconds), maxConnections);
        // a URL no module serves is a usage error; one that cannot be opened leaves the page without runs (logged)
        ApiServer server = ApiServer.start(registry, model, settings, StoreOption.url(store));
        server.drainOnSignals();
        return server.awaitStopped();
    }

    private String apiKey() {
        if (apiKeyFile != null) {
            String key;
            try {
                key = Files.readString(apiKeyFile).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("--api-key-file " + apiKeyFile + ": cannot be read: "
                        + (e instanceof CharacterCodingException ? "not UTF-8 text" : FileErrors.reason(e))
                        + ", expected a readable file holding the API key");
            }
            if (key.isEmpty()) {
                throw new IllegalArgumentException("--api-key-file " + apiKeyFile + ": the file is empty, expected "
                        + "the API key in it");
            }
            return key;
        }
        String fromEnvironment = System.getenv("TILEINFER_API_KEY");
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment;
    }
}
