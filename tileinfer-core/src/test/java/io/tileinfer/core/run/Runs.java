package io.tileinfer.core.run;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.config.PipelineConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Writes a configuration into a directory and runs it, as the CLI would: for the tests of this module and, through
 * core's test jar, of the modules that compare their runs with a local one (Spark, PostgreSQL, the API).
 */
public final class Runs {
    private Runs() {
    }

    public static Path config(Path dir, String yaml) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    public static RunSummary run(Path config, int workers) throws IOException {
        PipelineConfig pipeline = ConfigLoader.load(config).withWorkers(workers);
        return new BatchRunner(pipeline, new SimpleMeterRegistry(), new LogProgress(Duration.ofSeconds(30))).run();
    }
}
