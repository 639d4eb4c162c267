package io.tileinfer.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
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
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void aClientThatNeverEndsItsHeadersIsCutOffAtTheRequestTimeout(@TempDir Path dir) throws Exception {
        try (TestServer api = TestServer.start(dir, settings -> settings.withLimits(16 << 20, 1024, 32, 1,
                Duration.ofMillis(1500)))) {
            // without the cut-off the connection stays open for ever (slowloris); with it, within the timeout plus
            // a little: the server answers nothing (its socket is closed under the read)
            Received cut = exchange(api.server.port(), "POST /v1/predict HTTP/1.1\r\nHost: x\r\n", 6_000);
            assertTrue(cut.closed(), "still open after 6 s: " + cut.text());
            // no answer to count it by: it is counted (and logged) at the deadline
            String metrics = new String(api.http.get("/metrics").body(), StandardCharsets.UTF_8);
            assertTrue(metrics.contains("tileinfer_api_failures_total{cause=\"timeout\",endpoint=\"(unrouted)\"} 1.0"),
                    metrics);
            // with the time it was given: the request timeout
            assertTrue(metrics.contains("tileinfer_api_requests_seconds_sum{endpoint=\"(unrouted)\",method=\"POST\","
                    + "status=\"408\"} 1.5"), metrics);
            // and one that sends part of its request line
            Received partial = exchange(api.server.port(), "GET /v2/heal", 6_000);
            assertTrue(partial.closed(), "still open after 6 s: " + partial.text());
            assertEquals(200, api.http.get("/v2/health/ready").statusCode());
        }
    }

    @Test
    void connectionsBeyondTheLimitWaitToBeAccepted(@TempDir Path dir) throws Exception {
        try (TestServer api = TestServer.start(dir, settings -> settings.withMaxConnections(3))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket socket = new Socket("127.0.0.1", api.server.port());
                    socket.getOutputStream().write("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    held.add(socket);
                }
                // the fourth waits in the accept queue: the server holds at most 3 connections (file descriptors)
                Received waiting = exchange(api.server.port(), "GET /v2/health/live HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: close\r\n\r\n", 1_500);
                assertEquals("", waiting.text());
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            assertEquals(200, api.http.get("/v2/health/live").statusCode());
        }
    }

    @Test
    void aClientThatGoesAwayMidHeadersIsCountedAsSuchAndNotAsAServerError(@TempDir Path dir) throws Exception {
        CapturedLogs logged = new CapturedLogs(Logger.ROOT_LOGGER_NAME);
        try (logged; TestServer api = TestServer.start(dir, settings -> settings)) {
            try (Socket socket = new Socket("127.0.0.1", api.server.port())) {
                socket.getOutputStream().write("GET /v2/health/ready HTTP/1.1\r\nHost: x\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(300);
            }
            String metrics = "";
            for (int i = 0; i < 500 && !metrics.contains("client_aborted"); i++) {
                Thread.sleep(10);
                metrics = new String(api.http.get("/metrics").body(), StandardCharsets.UTF_8);
            }
            assertTrue(metrics.contains("tileinfer_api_failures_total{cause=\"client_aborted\",endpoint=\"(unrouted)\"}"
                    + " 1.0"), metrics);
            assertFalse(metrics.contains("cause=\"internal\""), metrics);
            // its request line came: the count names its method
            assertTrue(metrics.contains("tileinfer_api_requests_seconds_count{endpoint=\"(unrouted)\",method=\"GET\","
                    + "status=\"499\"} 1"), metrics);
        }
        assertEquals(List.of(), logged.events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
                || e.getThrowableProxy() != null).map(ILoggingEvent::getFormattedMessage).toList());
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
        Received received = exchange(port, request, 3_000);
        Matcher statuses = STATUS_LINE.matcher(received.text());
        assertTrue(statuses.find(), received.text());
        assertEquals(String.valueOf(status), statuses.group(1), received.text());
        assertFalse(statuses.find(), "a second response, to the body: " + received.text());
        assertFalse(received.text().contains("smuggled-1"), received.text());
        assertTrue(received.text().toLowerCase().contains("\r\nconnection: close\r\n"), received.text());
        assertTrue(received.closed(), "the connection is still open after: " + received.text());
    }

    /** What came back, and whether the server closed the connection (else nothing more came for a while). */
    record Received(String text, boolean closed) {
    }

    /** Sends {@code request} and reads until the server closes the connection or {@code quietMillis} pass idle. */
    static Received exchange(int port, String request, int quietMillis) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(quietMillis);
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
