package io.tileinfer.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
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

    /** The media type without parameters, lower case ("image/tiff"); empty when the request has none. */
    String mediaType() {
        return header("Content-Type").map(value -> value.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
                .orElse("");
    }

    /**
     * The whole body.
     *
     * @throws ApiException 413 beyond the size limit, 408 when it does not arrive before the deadline
     */
    byte[] body() {
        OptionalLong declared = request.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
            throw tooLarge(declared.getAsLong() + " bytes");
        }
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(maxBodyBytes,
                declared.orElse(1 << 16)));
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = request.content().inputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (body.size() + (long) n > maxBodyBytes) {
                    throw tooLarge("more than " + maxBodyBytes + " bytes");
                }
                if (System.nanoTime() > deadlineNanos) {
                    throw new ApiException(408, "timeout", "the request body did not arrive within the request "
                            + "timeout (" + body.size() + " bytes received)");
                }
                body.write(buffer, 0, n);
            }
        } catch (IOException | UncheckedIOException e) {
            if (timedOut(e)) {
                throw new ApiException(408, "timeout", "the request body did not arrive within the request timeout ("
                        + body.size() + " bytes received)");
            }
            throw ApiException.badRequest("cannot read the request body: " + e.getMessage());
        }
        bodyBytes = body.size();
        return body.toByteArray();
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private ApiException tooLarge(String size) {
        return new ApiException(413, "too_large", "the request body has " + size + ", the limit is "
                + maxBodyBytes + " bytes (--max-body-mb)");
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
