package io.tileinfer.api;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A request's headers must be complete within the request timeout of its first line. Helidon 4.5 has no such limit
 * (its idle-connection check closes a connection only while it waits for a request line, and applies no read timeout
 * to server connections), so a client that sends a request line and then a header now and then, or nothing more,
 * would hold its connection for ever (slowloris). At the deadline the connection's thread is interrupted, which
 * closes its socket channel: Helidon ends the connection without an answer (there is no one to write to).
 * <p>
 * Helidon calls this listener on the connection's own thread, the one that reads it: the pending deadline is kept
 * in a thread-local, so that {@link DirectErrors} (called on that thread too) can tell a request whose headers did
 * not arrive from a fault of the server.
 */
final class HeaderDeadline implements Http1ConnectionListener {

    /** Why a request's headers are missing, as {@link DirectErrors} reports it. */
    enum Missing { NONE, CLIENT_CLOSED, TIMED_OUT }

    private static final int READING = 0;
    private static final int DONE = 1;
    private static final int EXPIRED = 2;
    private static final ScheduledExecutorService TIMER = timer();
    private static final ThreadLocal<Pending> PENDING = new ThreadLocal<>();

    private final long timeoutNanos;
    private final Consumer<HttpPrologue> cutOff;

    /** @param cutOff told of each request cut off at the deadline (it gets no answer: counted and logged there) */
    HeaderDeadline(Duration timeout, Consumer<HttpPrologue> cutOff) {
        this.timeoutNanos = timeout.toNanos();
        this.cutOff = cutOff;
    }

    /** Cancelled deadlines leave the queue at once: each request cancels one, long before it would fire. */
    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("tileinfer-header-deadline").factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private record Pending(AtomicInteger state, ScheduledFuture<?> expiry, HttpPrologue prologue) {
    }

    /** A request whose headers are missing: why, and its request line. */
    record Cut(Missing why, HttpPrologue prologue) {
        static final Cut NONE = new Cut(Missing.NONE, null);
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        Thread reader = Thread.currentThread();
        AtomicInteger state = new AtomicInteger(READING);
        ScheduledFuture<?> expiry = TIMER.schedule(() -> {
            if (state.compareAndSet(READING, EXPIRED)) {
                cutOff.accept(prologue); // first: counted before the client can see its connection end
                reader.interrupt(); // an interrupted read on a socket channel closes the channel
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        PENDING.set(new Pending(state, expiry, prologue));
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        Pending pending = PENDING.get();
        PENDING.remove();
        if (pending != null) {
            pending.expiry().cancel(false);
            if (!pending.state().compareAndSet(READING, DONE)) {
                // the deadline won by a hair: the socket is closing under an interrupt, so this request cannot run
                throw new CloseConnectionException("request headers completed after the request timeout");
            }
        }
    }

    /**
     * On the connection's thread: whether the request being read lacks its headers, and why; clears what is pending.
     */
    static Cut takeMissing() {
        Pending pending = PENDING.get();
        if (pending == null) {
            return Cut.NONE;
        }
        PENDING.remove();
        pending.expiry().cancel(false);
        return new Cut(pending.state().compareAndSet(READING, DONE) ? Missing.CLIENT_CLOSED : Missing.TIMED_OUT,
                pending.prologue());
    }
}
