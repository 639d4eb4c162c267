package io.tileinfer.api;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
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

    private final ApiContext context;

    DirectErrors(ApiContext context) {
        this.context = context;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType event, Status status,
                                    ServerResponseHeaders headers, String message) {
        String requestId = UUID.randomUUID().toString();
        int code = status.code();
        String cause = code == 505 ? "http_version" : code >= 500 ? "internal" : "bad_request";
        // Helidon's messages for what it refuses are its safe ones (errorHandling includeEntity); a 5xx says no more
        String detail = message == null || message.isBlank() || code >= 500 ? "" : ": " + message;
        String error = code == 505 ? request.protocolVersion() + " is not served, expected HTTP/1.1"
                : "the request cannot be read" + detail;
        context.metrics().failure(UNROUTED, cause);
        context.metrics().request(UNROUTED, request.method(), code, 0);
        ACCESS.atInfo().addKeyValue("cause", cause).addKeyValue("error", error).addKeyValue("request_id", requestId)
                .addKeyValue("method", request.method()).addKeyValue("path", request.path())
                .addKeyValue("endpoint", UNROUTED).addKeyValue("status", code)
                .addKeyValue("model_version", context.served().id())
                .log("{} {} {}", request.method(), request.path(), code);
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
