package io.tileinfer.core.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.List;
import java.util.function.Consumer;

/**
 * A request to end a run early: no new batch, tile or retry of a read starts; the batches in flight infer the tiles
 * they read and commit their rows (the tiles they did not read get none), and the next run of the same
 * configuration resumes from there. {@link #onSignals()} makes SIGTERM (what Airflow, Kubernetes and systemd send) and SIGINT (Ctrl-C) such a request instead of the JVM's default exit: that exit runs ONNX
 * Runtime's shutdown hook at once, which frees its native environment under the batches still inferring (SIGSEGV).
 * {@code tileinfer serve} uses the same handling ({@link #onSignals(Runnable)}) to drain instead, and the Spark
 * driver to cancel its jobs, whose tasks then stop as local workers do.
 */
public final class StopRequest {
    private static final Logger LOG = LoggerFactory.getLogger(StopRequest.class);

    private volatile String reason;
    private volatile int exitStatus;

    private StopRequest() {
    }

    /** A request nobody makes: runs driven from code (tests) stop by their own means. */
    public static StopRequest none() {
        return new StopRequest();
    }

    /** Stops on the first SIGTERM or SIGINT; a second one ends the process at once. */
    public static StopRequest onSignals() {
        // said at once: the batches in flight may take a while (a remote read waits up to its timeout)
        return handleSignals(signal -> LOG.warn("stop requested ({}): finishing the batches in flight, starting no new "
                + "tile or retry; a second signal stops at once", signal));
    }

    /**
     * The one way tileinfer handles SIGTERM and SIGINT ({@code batch} and {@code serve}): the first is recorded as a
     * request, then {@code onFirst} runs (on the signal's own thread; {@code serve} starts its drain there); a second
     * ends the process at once with {@link Runtime#halt} and 128 + that signal's number, skipping the shutdown hooks.
     */
    public static StopRequest onSignals(Runnable onFirst) {
        return handleSignals(signal -> onFirst.run());
    }

    private static StopRequest handleSignals(Consumer<String> onFirst) {
        StopRequest stop = new StopRequest();
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                int status = 128 + signal.getNumber(); // the shell's convention: ended by that signal
                if (!stop.request("SIG" + signal.getName(), status)) {
                    Runtime.getRuntime().halt(status);
                }
                onFirst.accept("SIG" + signal.getName());
            });
        }
        return stop;
    }

    /** Records the request; false when one was made already. */
    synchronized boolean request(String why, int status) {
        if (reason != null) {
            return false;
        }
        exitStatus = status;
        reason = why;
        return true;
    }

    public boolean requested() {
        return reason != null;
    }

    /** The exit status the process should end with: 128 + the signal's number. */
    public int exitStatus() {
        return exitStatus;
    }

    /** Throws {@link Stopped} once the request is made: where a run checks between its steps. */
    public void throwIfRequested() {
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
