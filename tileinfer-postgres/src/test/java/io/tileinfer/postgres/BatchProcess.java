package io.tileinfer.postgres;

import io.tileinfer.core.run.RunMain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The batch of a configuration in its own JVM (core's RunMain), with the environment a deployment would give it. */
final class BatchProcess {
    private BatchProcess() {
    }

    static Process start(Path config, Path log, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), RunMain.class.getName(), config.toString(),
                "2"));
        builder.environment().putAll(environment);
        return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The environment of a worker whose store is the test server's database: its URL and password apart. */
    static Map<String, String> postgres(PostgresServer server, String database) {
        return Map.of("TILEINFER_STORE_URL", "jdbc:postgresql://127.0.0.1:" + server.port() + "/" + database
                + "?user=" + PostgresServer.USER, "PGPASSWORD", PostgresServer.PASSWORD);
    }
}
