package io.tileinfer.core.run;

import java.nio.file.Path;

/** Runs a configuration in its own JVM, so that a test can kill it with SIGKILL. */
public final class RunMain {
    private RunMain() {
    }

    public static void main(String[] args) throws Exception {
        Runs.run(Path.of(args[0]), Integer.parseInt(args[1]));
    }
}
