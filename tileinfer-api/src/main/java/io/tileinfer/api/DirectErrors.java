package io.tileinfer.api;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The requests Helidon answers itself, before any route (a malformed Content-Length, a body encoding it does not
 * take, a bad percent-encoding, headers over 16 KB, HTTP/1.0): the API's JSON error with its request id and model
 * version, a failure count and an access line, as for every other error. Helidon's own answer is a bare status.
 */
final class DirectErrors implements DirectHandler {
    private static final Logger ACCESS = LoggerFactory.getLogger("tileinfer.access");
    /** The endpoint label of what matched no route. */
    static final String UNROUTED = "(unrouted)";
    private static final String HEADERS_TIMED_OUT = "the request headers did not arrive within the request timeout";
    private static final String HEADERS_CUT = "the client closed the connection before the end of the request headers";

    private final ApiContext context;

    DirectErrors(ApiContext context) {
        this.context = context;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType event, Status status,
                                    ServerResponseHeaders headers, String message) {
        String requestId = UUID.randomUUID().toString();
        HeaderDeadline.Cut cut = HeaderDeadline.takeMissing();
        HeaderDeadline.Missing missing = cut.why();
        if (event == EventType.INTERNAL_ERROR && missing != HeaderDeadline.Missing.NONE) {
            // Helidon reports a failed read of the headers as its own internal error (a 500 and a WARN with a stack
            // trace): here it is the client's doing (InsufficientDataAvailableException: it closed the connection),
            // or its time running out, not a fault of the server's
            if (missing == HeaderDeadline.Missing.TIMED_OUT) { // counted and logged at the deadline already
                return response(Status.REQUEST_TIMEOUT_408, headers, HEADERS_TIMED_OUT, requestId);
            }
            // its request line came (the transport request has none to show): the access line names it
            count(context, cut.prologue().method().text(), cut.prologue().uriPath().rawPath(),
                    ApiException.CLIENT_CLOSED, "client_aborted", HEADERS_CUT, requestId, 0);
            return response(Status.create(ApiException.CLIENT_CLOSED), headers, HEADERS_CUT, requestId);
        }
        int code = status.code();
        String cause = code == 505 ? "http_version" : code >= 500 ? "internal" : "bad_request";
        // Helidon's messages for what it refuses are its safe ones (errorHandling includeEntity); a 5xx says no more
        String detail = message == null || message.isBlank() || code >= 500 ? "" : ": " + message;
        String error = code == 505 ? request.protocolVersion() + " is not served, expected HTTP/1.1"
                : "the request cannot be read" + detail;
        return refuse(request, status, headers, cause, error, requestId);
    }

    /**
     * A request cut off because its headers did not arrive within the request timeout ({@link HeaderDeadline}): its
     * connection is closed with no answer, so it is counted and logged here, as a 408.
     */
    static void headersTimedOut(ApiContext context, HttpPrologue prologue, long waitedNanos) {
        String method = prologue.method().text();
        String path = prologue.uriPath().rawPath();
        count(context, method, path, Status.REQUEST_TIMEOUT_408.code(), "timeout", HEADERS_TIMED_OUT,
                UUID.randomUUID().toString(), waitedNanos);
    }

    private TransportResponse refuse(TransportRequest request, Status status, ServerResponseHeaders headers,
                                     String cause, String error, String requestId) {
        count(context, request.method(), request.path(), status.code(), cause, error, requestId, 0);
        return response(status, headers, error, requestId);
    }

    /** @param nanos how long the request took, when known (a refusal Helidon makes has no start to go by: 0) */
    private static void count(ApiContext context, String method, String path, int code, String cause, String error,
                              String requestId, long nanos) {
        context.metrics().failure(UNROUTED, cause);
        context.metrics().request(UNROUTED, method, code, nanos);
        ACCESS.atInfo().addKeyValue("cause", cause).addKeyValue("error", error).addKeyValue("request_id", requestId)
                .addKeyValue("method", method).addKeyValue("path", path)
                .addKeyValue("endpoint", UNROUTED).addKeyValue("status", code)
                .addKeyValue("model_version", context.served().id())
                .log("{} {} {}", method, path, code);
    }

    private TransportResponse response(Status status, ServerResponseHeaders headers, String error, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("model_version", context.served().id());
        body.put("request_id", requestId);
        return TransportResponse.builder().status(status).headers(headers)
                .header(HeaderNames.CONTENT_TYPE, Reply.JSON)
                .header(HeaderNames.create("X-Request-Id"), requestId)
                .header(HeaderNames.create("X-Model-Version"), context.served().id())
                .entity(Json.bytes(body)).build();
    }
}
