package io.tileinfer.core.run;

import java.nio.file.Path;

/** Another process holds the run ({@link RunLock}): this one did nothing and recorded nothing. */
public final class RunHeldException extends RuntimeException {
    RunHeldException(String runId, Path lock) {
        super("run " + runId + " is being run by another process (lock " + lock + "); wait for it or stop it");
    }
}
