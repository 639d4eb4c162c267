package io.tileinfer.api;

import java.util.concurrent.Semaphore;

/**
 * The bound on inference requests in flight (reading their body, waiting for a worker, or running). Beyond it a
 * request is refused at once with 503 and Retry-After, so that load beyond capacity costs neither memory nor
 * latency for the requests already admitted.
 */
final class Admission {

    private final int limit;
    private final Semaphore permits;

    Admission(int limit) {
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    /** @throws ApiException 503 when {@code limit} requests are already in flight */
    void enter() {
        if (!permits.tryAcquire()) {
            throw ApiException.unavailable("overloaded", "the server is at its limit of " + limit
                    + " inference requests in flight: retry after 1 s, or send to another replica", 1);
        }
    }

    void leave() {
        permits.release();
    }

    int inFlight() {
        return limit - permits.availablePermits();
    }
}
