package io.tileinfer.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What every request goes through around its endpoint: a request id, the API key and in-flight limit for inference,
 * errors turned into {@code {"error": ...}} replies, the X-Request-Id and X-Model-Version headers (and the same in
 * JSON bodies), the metrics and one JSON access-log line.
 */
final class Exchange implements Handler {

    private static final Logger ACCESS = LoggerFactory.getLogger("tileinfer.access");
    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    /** A caller's request id is kept when it is short and harmless in logs and headers. */
    private static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final Pattern CALLER_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final int MAX_LOGGED_ERROR = 300;
    /** What a stopping server still answers: its probes (which say it is not ready) and its metrics. */
    private static final Set<String> ANSWERED_WHILE_STOPPING = Set.of("/v2/health/live", "/v2/health/ready",
            "/metrics");

    private final Route route;
    private final ApiContext context;

    Exchange(Route route, ApiContext context) {
        this.route = route;
        this.context = context;
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) {
        long start = System.nanoTime();
        context.readiness().requestStarted();
        Call call = new Call(request, requestId(request), start + context.settings().requestTimeout().toNanos(),
                context.settings().maxBodyBytes());
        Reply reply;
        ApiException failure = null; // the cause the metrics count, for the access line too
        boolean admitted = false;
        try {
            if (context.readiness().refusing() && !ANSWERED_WHILE_STOPPING.contains(route.pattern())) {
                // closing the connection too, so that a client's pool does not send its next request here again
                throw new ApiException(503, "shutting_down", "the server is shutting down: send the request to "
                        + "another replica", Map.of("Retry-After", "1", "Connection", "close"));
            }
            if (route.keyed() && context.apiKey() != null) {
                context.apiKey().check(call.header("Authorization").orElse(null));
            }
            if (route.inference()) {
                context.admission().enter();
                admitted = true;
            }
            reply = route.endpoint().handle(call);
        } catch (ApiException e) {
            failure = e;
            reply = Reply.error(e);
            context.metrics().failure(route.pattern(), e.failureCause());
            log(request, call, e);
        } catch (RuntimeException e) {
            LOG.atError().addKeyValue("request_id", call.requestId()).setCause(e)
                    .log("{} {} failed: {}", request.prologue().method().text(), route.pattern(), e.toString());
            failure = new ApiException(500, "internal", "internal error (request " + call.requestId() + "): "
                    + e.getMessage());
            reply = Reply.error(failure);
            context.metrics().failure(route.pattern(), "internal");
        } finally {
            if (admitted) {
                // Before the reply is sent: a client that has its answer may send the next request at once.
                context.admission().leave();
            }
        }
        long bytesOut = 0;
        try {
            if (reply.status() != ApiException.CLIENT_CLOSED) { // else there is no one to answer
                bytesOut = send(response, reply, call, request.prologue().method() == Method.HEAD);
            }
        } finally {
            context.readiness().requestFinished();
            long nanos = System.nanoTime() - start;
            context.metrics().request(route.pattern(), request.prologue().method().text(), reply.status(), nanos);
            LoggingEventBuilder line = ACCESS.atInfo();
            if (failure != null) { // so that an operator can grep the log for what /metrics counts
                line = line.addKeyValue("cause", failure.failureCause());
                String error = loggableError(failure);
                if (error != null) {
                    line = line.addKeyValue("error", error);
                }
            }
            line.addKeyValue("request_id", call.requestId())
                    .addKeyValue("method", request.prologue().method().text())
                    .addKeyValue("path", request.path().rawPath())
                    .addKeyValue("endpoint", route.pattern())
                    .addKeyValue("status", reply.status())
                    .addKeyValue("latency_ms", Math.round(nanos / 1e4) / 100.0)
                    .addKeyValue("bytes_in", call.bodyBytes())
                    .addKeyValue("bytes_out", bytesOut)
                    .addKeyValue("input_sha256", call.inputSha256())
                    .addKeyValue("model_version", context.served().id())
                    .addKeyValue("remote", request.remotePeer().host())
                    .log("{} {} {}", request.prologue().method().text(), request.path().rawPath(), reply.status());
        }
        if (reply.closesConnection() || request.headers().containsToken(HeaderValues.CONNECTION_CLOSE)
                || response.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            // Helidon 4.5 keeps a connection open after a reply saying "Connection: close", ours or the one it sends
            // to a client that asked for it: it then skips draining the unread body and would parse that body as
            // the next request (request smuggling). This exception is its way for a handler to close it.
            throw new CloseConnectionException("closed after " + reply.status() + " (request " + call.requestId()
                    + ")");
        }
    }

    /**
     * One line without a stack trace (the message says what happened) for what an operator should hear of beyond
     * the access log: a failure of the model's (500), and a client that went away (its doing, so not an error).
     */
    private static void log(ServerRequest request, Call call, ApiException e) {
        if (e.status() == 500 || e.status() == ApiException.CLIENT_CLOSED) {
            (e.status() == 500 ? LOG.atError() : LOG.atWarn()).addKeyValue("request_id", call.requestId())
                    .log("{} {}: {}", request.prologue().method().text(), request.path().rawPath(), e.getMessage());
        }
    }

    /**
     * The reply's error text for the access line when it is one short line: the messages name a field or file and
     * what was expected, never a key (a wrong API key is "wrong API key in the Authorization header"); a long one
     * (e.g. a list of every field) is left to the reply, the cause still says what kind of failure it was.
     */
    static String loggableError(ApiException failure) {
        String message = failure.getMessage();
        return message == null || message.length() > MAX_LOGGED_ERROR || message.contains("\n") ? null : message;
    }

    /** @param head a HEAD request: the same status and headers as its GET, Content-Length included, and no body */
    private long send(ServerResponse response, Reply reply, Call call, boolean head) {
        response.status(reply.status());
        response.header("X-Request-Id", call.requestId());
        response.header("X-Model-Version", context.served().id());
        reply.headers().forEach(response::header);
        response.header("Content-Type", reply.contentType());
        byte[] body = reply.bytes();
        if (reply.json() != null) {
            body = jsonBody(reply.json(), context.served().id(), call.requestId());
        }
        if (head) {
            if (body.length > 0) { // Helidon refuses a Content-Length on a 204 or 304, as their GET has none
                response.header(HeaderNames.CONTENT_LENGTH, String.valueOf(body.length));
            }
            response.send(); // Helidon 4.5 would write a body given to a HEAD request
            return 0;
        }
        response.send(body);
        return body.length;
    }

    /** A JSON reply's body: its fields, and the model version and request id unless it has its own. */
    static byte[] jsonBody(Map<String, Object> json, String modelVersion, String requestId) {
        Map<String, Object> fields = new LinkedHashMap<>(json);
        fields.putIfAbsent("model_version", modelVersion);
        fields.putIfAbsent("request_id", requestId);
        return Json.bytes(fields);
    }

    private static String requestId(ServerRequest request) {
        return request.headers().first(REQUEST_ID)
                .filter(id -> CALLER_REQUEST_ID.matcher(id).matches())
                .orElseGet(() -> UUID.randomUUID().toString());
    }
}
