package io.tileinfer.api;

import io.helidon.http.Method;

/**
 * One endpoint: method and path pattern (also the {@code endpoint} label of the metrics), whether it runs the
 * model, which puts it behind the API key and the in-flight limit, and whether it shows stored data, which puts it
 * behind the API key only.
 */
record Route(Method method, String pattern, boolean inference, boolean keyed, Endpoint endpoint) {

    Route(Method method, String pattern, boolean inference, Endpoint endpoint) {
        this(method, pattern, inference, inference, endpoint);
    }

    static Route get(String pattern, Endpoint endpoint) {
        return new Route(Method.GET, pattern, false, endpoint);
    }

    /** A read-only endpoint of stored runs and models: behind the API key when one is configured. */
    static Route getKeyed(String pattern, Endpoint endpoint) {
        return new Route(Method.GET, pattern, false, true, endpoint);
    }

    static Route infer(String pattern, Endpoint endpoint) {
        return new Route(Method.POST, pattern, true, endpoint);
    }
}
