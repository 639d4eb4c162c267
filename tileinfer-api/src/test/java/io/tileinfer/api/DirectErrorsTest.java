package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests Helidon refuses before any route get the API's JSON error, a request id and a failure count. */
class DirectErrorsTest {

    @Test
    void aRequestHelidonCannotReadGetsTheApisJsonError(@TempDir Path dir) throws Exception {
        try (TestServer api = TestServer.start(dir, settings -> settings)) {
            String malformed = raw(api.server.port(), "POST /v1/predict HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: image/tiff\r\nContent-Length: abc\r\n\r\n");
            assertTrue(malformed.startsWith("HTTP/1.1 400 "), malformed);
            assertTrue(malformed.toLowerCase().contains("content-type: application/json"), malformed);
            assertTrue(malformed.contains("X-Request-Id: "), malformed);
            JsonNode body = json(malformed);
            assertTrue(body.get("error").asText().startsWith("the request cannot be read: "), malformed);
            assertEquals(api.model.id(), body.get("model_version").asText());

            String oldHttp = raw(api.server.port(), "GET /v2/health/live HTTP/1.0\r\n\r\n");
            assertTrue(oldHttp.contains(" 505 "), oldHttp);
            assertEquals("HTTP/1.0 is not served, expected HTTP/1.1", json(oldHttp).get("error").asText(), oldHttp);

            String metrics = new String(api.http.get("/metrics").body(), StandardCharsets.UTF_8);
            assertTrue(metrics.contains("tileinfer_api_failures_total{cause=\"bad_request\",endpoint=\"(unrouted)\"} 1.0"),
                    metrics);
            assertTrue(metrics.contains("tileinfer_api_failures_total{cause=\"http_version\",endpoint=\"(unrouted)\"} 1.0"),
                    metrics);
        }
    }

    /** Sends a request as bytes (no client would send these) and reads the reply until the server closes. */
    private static String raw(int port, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                reply.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                if (bodyComplete(reply.toString())) {
                    break;
                }
            }
            return reply.toString();
        }
    }

    private static boolean bodyComplete(String reply) {
        int end = reply.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = reply.substring(0, end).toLowerCase();
        int at = head.indexOf("content-length: ");
        if (at < 0) {
            return false;
        }
        int length = Integer.parseInt(head.substring(at + 16).split("\r\n")[0].trim());
        return reply.length() - end - 4 >= length;
    }

    private static JsonNode json(String reply) throws Exception {
        return new ObjectMapper().readTree(reply.substring(reply.indexOf("\r\n\r\n") + 4));
    }
}
