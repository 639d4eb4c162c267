package io.tileinfer.api;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether the server takes traffic, and how many requests it is answering (so that shutdown can wait for them). A
 * draining server first reports not ready while it still answers, then {@linkplain #refuseNew refuses} what comes.
 */
final class Readiness {

    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean refusing = new AtomicBoolean();
    private final AtomicInteger active = new AtomicInteger();

    boolean ready() {
        return ready.get();
    }

    void set(boolean value) {
        ready.set(value);
    }

    /** From now on every new request is answered 503: the load balancers have had their time to notice. */
    void refuseNew() {
        refusing.set(true);
    }

    boolean refusing() {
        return refusing.get();
    }

    void requestStarted() {
        active.incrementAndGet();
    }

    void requestFinished() {
        active.decrementAndGet();
    }

    int activeRequests() {
        return active.get();
    }

    /** Waits until no request is being answered or the timeout passes; returns whether all finished. */
    boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (active.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
