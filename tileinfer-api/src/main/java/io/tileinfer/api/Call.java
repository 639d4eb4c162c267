package io.tileinfer.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One request as an endpoint sees it: its id, deadline, parameters and body (read once, within the size limit and
 * the deadline). Endpoints note the input's hash here for the access log.
 */
final class Call {

    private final ServerRequest request;
    private final String requestId;
    private final long deadlineNanos;
    private final long maxBodyBytes;
    private long bodyBytes;
    private String inputSha256;

    Call(ServerRequest request, String requestId, long deadlineNanos, long maxBodyBytes) {
        this.request = request;
        this.requestId = requestId;
        this.deadlineNanos = deadlineNanos;
        this.maxBodyBytes = maxBodyBytes;
    }

    String requestId() {
        return requestId;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    String pathParameter(String name) {
        return request.path().pathParameters().get(name);
    }

    String pathParameterOrNull(String name) {
        return request.path().pathParameters().first(name).orElse(null);
    }

    Optional<String> query(String name) {
        return request.query().first(name).asOptional();
    }

    Optional<String> header(String name) {
        return request.headers().first(HeaderNames.create(name));
    }

    /** @throws ApiException 400 when the Accept header cannot be read */
    Accept accept() {
        return Accept.of(request.headers());
    }

    /** The media type without parameters, lower case ("image/tiff"); empty when the request has none. */
    String mediaType() {
        return header("Content-Type").map(value -> value.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
                .orElse("");
    }

    /**
     * The whole body, read within the size limit and the deadline (see {@link BodyReader}).
     *
     * @throws ApiException 413 beyond the size limit, 408 when it does not arrive before the deadline,
     *                      {@value ApiException#CLIENT_CLOSED} when the client closes the connection first
     */
    byte[] body() {
        OptionalLong declared = request.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
            throw BodyReader.tooLarge(declared.getAsLong() + " bytes", maxBodyBytes);
        }
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        byte[] body = new BodyReader(maxBodyBytes, declared.orElse(-1))
                .read(request.content().inputStream(), deadlineNanos);
        bodyBytes = body.length;
        return body;
    }

    long bodyBytes() {
        return bodyBytes;
    }

    void inputSha256(String sha256) {
        this.inputSha256 = sha256;
    }

    String inputSha256() {
        return inputSha256;
    }
}
