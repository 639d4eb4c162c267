package io.tileinfer.api;

import io.tileinfer.core.TestModels;
import io.tileinfer.model.ModelVersion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A running API on a free loopback port, serving the core's test model ("bright-test": Landsat 8 B2..B5, uint16,
 * two classes) from a fresh registry, as {@code tileinfer serve --model production} would.
 */
final class TestServer implements AutoCloseable {

    final Path registry;
    final ModelVersion model;
    final ApiServer server;
    final Http http;

    private TestServer(Path registry, ModelVersion model, ApiServer server) {
        this.registry = registry;
        this.model = model;
        this.server = server;
        this.http = new Http(server.port());
    }

    static TestServer start(Path dir, UnaryOperator<ApiSettings> settings) throws Exception {
        return start(dir, TestModels::brightness, settings);
    }

    /** Serving the model that {@code model} registers, as "production", in a fresh registry. */
    static TestServer start(Path dir, Function<Path, ModelVersion> model, UnaryOperator<ApiSettings> settings)
            throws Exception {
        Path registry = Files.createDirectories(dir.resolve("models"));
        ModelVersion served = model.apply(registry);
        ApiServer server = ApiServer.start(registry, "production", settings.apply(ApiSettings.defaults()));
        return new TestServer(registry, served, server);
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
