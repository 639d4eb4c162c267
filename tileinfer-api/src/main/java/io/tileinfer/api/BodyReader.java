package io.tileinfer.api;

import io.helidon.common.buffers.DataReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a request body on a virtual thread of its own while the request's thread waits for it until the deadline.
 * Helidon 4.5 puts no timeout on a socket read of the server (its {@code read-timeout} options are not applied to the
 * connections it accepts), so a client that stops sending would hold the request, and its in-flight slot, for ever.
 * At the deadline the request answers 408 with {@code Connection: close} and {@link Exchange} closes the connection
 * rather than read the rest of the body, which ends the blocked read.
 */
final class BodyReader {

    private static final ExecutorService READERS = Executors.newVirtualThreadPerTaskExecutor();
    private static final Map<String, String> CLOSE = Map.of("Connection", "close");

    private final long maxBytes;
    private final String declared;
    private final ByteArrayOutputStream body;
    private volatile long received;

    /** @param declaredBytes the Content-Length, or -1 when the body is chunked */
    BodyReader(long maxBytes, long declaredBytes) {
        this.maxBytes = maxBytes;
        this.declared = declaredBytes < 0 ? "" : " of " + declaredBytes + " declared";
        this.body = new ByteArrayOutputStream((int) Math.min(maxBytes, declaredBytes < 0 ? 1 << 16 : declaredBytes));
    }

    /**
     * @throws ApiException 413 beyond the size limit, 408 when the body does not arrive before {@code deadlineNanos}
     *                      (a {@link System#nanoTime()} value), {@value ApiException#CLIENT_CLOSED} when the client
     *                      closes the connection before the end of the body
     */
    byte[] read(InputStream in, long deadlineNanos) {
        Future<byte[]> reading = READERS.submit(() -> readAll(in));
        try {
            return reading.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ApiException(408, "timeout", "the request body did not arrive within the request timeout ("
                    + received + " bytes received" + declared + ")", CLOSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("timeout", "the request was interrupted (the server is stopping)", 1);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException || cause instanceof UncheckedIOException
                    || cause instanceof DataReader.InsufficientDataAvailableException) {
                throw new ApiException(ApiException.CLIENT_CLOSED, "client_aborted", "the client closed the "
                        + "connection after " + received + " bytes of the body" + declared + " ("
                        + cause.getClass().getSimpleName() + ")", CLOSE);
            }
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        }
    }

    static ApiException tooLarge(String size, long maxBytes) {
        return new ApiException(413, "too_large", "the request body has " + size + ", the limit is " + maxBytes
                + " bytes (--max-body-mb)");
    }

    private byte[] readAll(InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (body.size() + (long) n > maxBytes) {
                    throw tooLarge("more than " + maxBytes + " bytes", maxBytes);
                }
                body.write(buffer, 0, n);
                received = body.size();
            }
        }
        return body.toByteArray();
    }
}
