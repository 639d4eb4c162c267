package io.tileinfer.api;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Whether the server takes traffic, and how many requests it is answering (so that shutdown can wait for them). */
final class Readiness {

    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicInteger active = new AtomicInteger();

    boolean ready() {
        return ready.get();
    }

    void set(boolean value) {
        ready.set(value);
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
