package io.tileinfer.api;

import io.helidon.http.Method;

/**
 * One endpoint: method and path pattern (also the {@code endpoint} label of the metrics), and whether it runs the
 * model, which puts it behind the API key and the in-flight limit.
 */
record Route(Method method, String pattern, boolean inference, Endpoint endpoint) {

    static Route get(String pattern, Endpoint endpoint) {
        return new Route(Method.GET, pattern, false, endpoint);
    }

    static Route infer(String pattern, Endpoint endpoint) {
        return new Route(Method.POST, pattern, true, endpoint);
    }
}
