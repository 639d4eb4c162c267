package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A real HTTP client (java.net.http) for the server on 127.0.0.1. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    Http(int port) {
        this.port = port;
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60));
    }

    HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    HttpResponse<byte[]> postJson(String path, Object body, String... headers) throws IOException,
            InterruptedException {
        return post(path, "application/json", JSON.writeValueAsBytes(body), headers);
    }

    HttpResponse<byte[]> postTiff(String path, Path tiff, String... headers) throws IOException, InterruptedException {
        return post(path, "image/tiff", Files.readAllBytes(tiff), headers);
    }

    /** POSTs {@code body} with its Content-Type and {@code headers}, given as name, value, name, value... */
    HttpResponse<byte[]> post(String path, String contentType, byte[] body, String... headers) throws IOException,
            InterruptedException {
        HttpRequest.Builder builder = request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder.build());
    }

    static JsonNode json(HttpResponse<byte[]> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** The body of a 200 answer as JSON; any other status fails the test with the answer's body. */
    static JsonNode okJson(HttpResponse<byte[]> response) throws IOException {
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        return json(response);
    }
}
