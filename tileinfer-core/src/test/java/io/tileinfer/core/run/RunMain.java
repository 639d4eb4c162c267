package io.tileinfer.core.run;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.config.ConfigLoader;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs a configuration in its own JVM, as {@code tileinfer batch} does (SIGTERM stops it resumably), so that a test
 * can signal or kill it. Arguments: configuration, workers.
 */
public final class RunMain {
    private RunMain() {
    }

    public static void main(String[] args) throws Exception {
        StopRequest stop = StopRequest.onSignals();
        try {
            new BatchRunner(ConfigLoader.load(Path.of(args[0])).withWorkers(Integer.parseInt(args[1])),
                    new SimpleMeterRegistry(), new LogProgress(Duration.ofSeconds(30)), stop).run();
        } catch (StopRequest.Stopped e) {
            System.err.println(e.getMessage());
            System.exit(stop.exitStatus());
        }
    }
}
