package io.tileinfer.core.run;

import sun.misc.Signal;

import java.util.List;

/**
 * A request to end a run early: no new batch starts, the batches in flight finish and commit their rows, and the
 * next run of the same configuration resumes from there. {@link #onSignals()} makes SIGTERM (what Airflow, Kubernetes
 * and systemd send) and SIGINT (Ctrl-C) such a request instead of the JVM's default exit: that exit runs ONNX
 * Runtime's shutdown hook at once, which frees its native environment under the batches still inferring (SIGSEGV).
 */
public final class StopRequest {

    private volatile String reason;
    private volatile int exitStatus;

    private StopRequest() {
    }

    /** A request nobody makes: runs driven from code (tests, Spark's driver) stop by their own means. */
    public static StopRequest none() {
        return new StopRequest();
    }

    /** Stops on the first SIGTERM or SIGINT; a second one ends the process at once. */
    public static StopRequest onSignals() {
        StopRequest stop = new StopRequest();
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                int status = 128 + signal.getNumber(); // the shell's convention: ended by that signal
                if (stop.requested()) {
                    Runtime.getRuntime().halt(status);
                }
                stop.request("SIG" + signal.getName(), status);
            });
        }
        return stop;
    }

    void request(String why, int status) {
        exitStatus = status;
        reason = why;
    }

    public boolean requested() {
        return reason != null;
    }

    /** The exit status the process should end with: 128 + the signal's number. */
    public int exitStatus() {
        return exitStatus;
    }

    void throwIfRequested() {
        if (requested()) {
            throw new Stopped(reason);
        }
    }

    /** The run ended early on request; everything committed before stays, and a rerun resumes. */
    public static final class Stopped extends RuntimeException {
        Stopped(String reason) {
            super("stopped by " + reason + " after the batches in flight finished");
        }
    }
}
