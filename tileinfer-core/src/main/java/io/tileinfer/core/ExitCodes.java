package io.tileinfer.core;

/** The documented exit codes of every {@code tileinfer} command and of the Spark job. */
public final class ExitCodes {
    /** Everything asked for was done. */
    public static final int OK = 0;
    /** An unexpected internal error (a bug): the message says what happened. */
    public static final int INTERNAL = 1;
    /** The command line or the configuration is wrong; nothing was run. */
    public static final int CONFIG = 2;
    /** The run finished, but some tiles or scenes failed (they are recorded with their causes). */
    public static final int FAILURES = 3;
    /** {@code validate}: at least one scene failed validation. */
    public static final int INVALID = 4;

    private ExitCodes() {
    }
}
