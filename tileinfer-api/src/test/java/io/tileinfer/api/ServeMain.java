package io.tileinfer.api;

import io.tileinfer.core.TestModels;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Serves the test model in its own JVM as {@code tileinfer serve} does (SIGTERM drains), so that a test can signal
 * it. Arguments: registry directory, shutdown delay in ms. Prints "port N" once it listens.
 */
public final class ServeMain {

    private ServeMain() {
    }

    public static void main(String[] args) throws java.net.BindException {
        Path registry = Path.of(args[0]);
        TestModels.brightness(registry);
        ApiServer server = ApiServer.start(registry, "production", ApiSettings.defaults()
                .withShutdown(Duration.ofMillis(Long.parseLong(args[1])), Duration.ofSeconds(30)));
        server.drainOnSignals();
        System.out.println("port " + server.port());
        System.exit(server.awaitStopped());
    }
}
