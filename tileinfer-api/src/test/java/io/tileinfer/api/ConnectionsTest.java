package io.tileinfer.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tileinfer.api.LimitsTest.awaitInFlight;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the server does with connections, with plain sockets: what an HTTP client library would not send. */
class ConnectionsTest {

    /** A whole request, sent as the body of another: it must never be answered. */
    private static final String SMUGGLED = "GET /v2/health/live HTTP/1.1\r\nHost: x\r\nX-Request-Id: smuggled-1\r\n\r\n";
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

    @Test
    void aRefusalToAClientThatSaidConnectionCloseClosesItAndNeverReadsTheBodyAsARequest(@TempDir Path dir)
            throws Exception {
        try (TestServer api = TestServer.start(dir, settings -> settings.withLimits(1000, 1024, 32, 1,
                Duration.ofSeconds(30)))) {
            int port = api.server.port();
            assertRefusedAndClosed(415, port, "POST /v1/predict", "text/plain", "", SMUGGLED.length());
            assertRefusedAndClosed(404, port, "POST /no/such/endpoint", "text/plain", "", SMUGGLED.length());
            assertRefusedAndClosed(405, port, "PUT /v2/health/live", "text/plain", "", SMUGGLED.length());
            // declared beyond --max-body: refused before any byte of the body is read
            assertRefusedAndClosed(413, port, "POST /v1/predict", "image/tiff", "", 5000);
            // a request that is answered also ends the connection the client asked to close
            assertRefusedAndClosed(200, port, "GET /v2/health/ready", "text/plain", "", SMUGGLED.length());
        }
    }

    @Test
    void anOverloadedOrUnauthorizedRefusalClosesTheConnectionTheClientAskedToClose(@TempDir Path dir)
            throws Exception {
        try (TestServer api = TestServer.start(dir, settings -> settings.withApiKey("secret-key")
                .withLimits(16 << 20, 1024, 1, 1, Duration.ofSeconds(30)))) {
            int port = api.server.port();
            assertRefusedAndClosed(401, port, "POST /v1/predict", "image/tiff", "", SMUGGLED.length());
            try (SlowUpload busy = new SlowUpload(port, "/v1/predict", Files.readAllBytes(Tiles.COG),
                    "Authorization: Bearer secret-key\r\n")) {
                awaitInFlight(api, 1);
                assertRefusedAndClosed(503, port, "POST /v1/predict", "image/tiff", "Authorization: Bearer secret-key",
                        SMUGGLED.length());
            }
        }
    }

    /**
     * Sends {@code requestLine} (without its protocol) with {@code Connection: close}, {@code header} (a header
     * line, or "") and a body of
     * {@code declaredLength} bytes declared, of which only {@link #SMUGGLED} is sent, and expects one response of
     * {@code status}, then the end of the connection.
     */
    private static void assertRefusedAndClosed(int status, int port, String requestLine, String contentType,
                                               String header, int declaredLength) throws Exception {
        String request = requestLine + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: " + contentType
                + "\r\n" + (header.isEmpty() ? "" : header + "\r\n") + "Content-Length: " + declaredLength
                + "\r\n\r\n" + SMUGGLED;
        Received received = exchange(port, request);
        Matcher statuses = STATUS_LINE.matcher(received.text());
        assertTrue(statuses.find(), received.text());
        assertEquals(String.valueOf(status), statuses.group(1), received.text());
        assertFalse(statuses.find(), "a second response, to the body: " + received.text());
        assertFalse(received.text().contains("smuggled-1"), received.text());
        assertTrue(received.text().toLowerCase().contains("\r\nconnection: close\r\n"), received.text());
        assertTrue(received.closed(), "the connection is still open after: " + received.text());
    }

    /** What came back, and whether the server closed the connection (else nothing came for 3 s). */
    record Received(String text, boolean closed) {
    }

    static Received exchange(int port, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(3_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    text.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException stillOpen) {
                return new Received(text.toString(StandardCharsets.ISO_8859_1), false);
            }
            return new Received(text.toString(StandardCharsets.ISO_8859_1), true);
        }
    }
}
