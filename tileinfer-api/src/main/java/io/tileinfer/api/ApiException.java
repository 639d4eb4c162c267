package io.tileinfer.api;

import java.util.Map;

/**
 * A request the API refuses or cannot serve: the HTTP status, the failure cause counted in the metrics
 * ({@code tileinfer_api_failures_total{cause=...}}), a message naming the field or file and what was expected, and
 * extra response headers (Retry-After, WWW-Authenticate).
 */
public final class ApiException extends RuntimeException {

    /**
     * The status of a request whose client closed the connection before the end of its body: never sent, but
     * recorded in the access log and the metrics (nginx's "client closed request").
     */
    public static final int CLIENT_CLOSED = 499;

    private final int status;
    private final String cause;
    private final Map<String, String> headers;

    public ApiException(int status, String cause, String message, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.cause = cause;
        this.headers = Map.copyOf(headers);
    }

    public ApiException(int status, String cause, String message) {
        this(status, cause, message, Map.of());
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    /** Well-formed input that does not fit the model (bands, data type, CRS, shape). */
    static ApiException unprocessable(String message) {
        return new ApiException(422, "validation", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    /** Too busy or too slow: the client should come back, as Retry-After says. */
    static ApiException unavailable(String cause, String message, long retryAfterSeconds) {
        return new ApiException(503, cause, message, Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    public int status() {
        return status;
    }

    /** The metrics label of this failure. */
    public String failureCause() {
        return cause;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
