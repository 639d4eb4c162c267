package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tileinfer.api.PredictTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metrics, the OpenAPI document, the headers every response carries, and the API key. */
class OperationsTest {

    /** One sample line of the Prometheus text format: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})? "
                    + "(-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?");
    private static final Pattern META = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

    @TempDir
    static Path dir;
    static TestServer api;
    static String name;

    @BeforeAll
    static void start() throws Exception {
        api = TestServer.start(dir, settings -> settings.withApiKey("s3cret-key"));
        name = api.model.card().name();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void inferenceNeedsTheApiKeyAndHealthDoesNot() throws Exception {
        Path tile = Tiles.cut(Tiles.COG, new Window(0, 0, 64, 64), dir);
        HttpResponse<byte[]> none = api.http.postTiff("/v1/predict", tile);
        assertError(401, "missing API key", none);
        assertEquals("Bearer realm=\"tileinfer\"", none.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertError(401, "wrong API key", api.http.postTiff("/v1/predict", tile, "Authorization", "Bearer guess"));
        assertError(401, "missing API key", api.http.postJson("/v2/models/" + name + "/infer", "{}"));
        assertEquals(200, api.http.postTiff("/v1/predict", tile, "Authorization", "Bearer s3cret-key").statusCode());
        for (String open : List.of("/v2/health/live", "/v2/health/ready", "/v2", "/v2/models/" + name, "/metrics",
                "/openapi.json")) {
            assertEquals(200, api.http.get(open).statusCode(), open);
        }
    }

    /**
     * Load balancers and uptime checks probe with HEAD: each GET endpoint answers it with the GET's status and headers
     * (Content-Length included) and no body; the POST endpoints still answer 405.
     */
    @Test
    void headAnswersAsGetWithoutTheBody() throws Exception {
        for (String path : List.of("/v2/health/live", "/v2/health/ready", "/v2", "/v2/models/" + name,
                "/v2/models/" + name + "/ready", "/v2/models/nope", "/openapi.json", "/metrics", "/ui",
                "/ui/api/models")) {
            HttpResponse<byte[]> get = api.http.send(api.http.request(path).header("X-Request-Id", "probe-1")
                    .GET().build());
            HttpResponse<byte[]> head = api.http.send(api.http.request(path).header("X-Request-Id", "probe-1")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(get.statusCode(), head.statusCode(), path);
            assertEquals(0, head.body().length, path);
            for (String header : List.of("Content-Type", "X-Request-Id", "X-Model-Version", "WWW-Authenticate")) {
                assertEquals(get.headers().allValues(header), head.headers().allValues(header), path + ": " + header);
            }
            if (!path.equals("/metrics")) { // the metrics change between the two requests
                assertEquals(List.of(String.valueOf(get.body().length)), head.headers().allValues("Content-Length"),
                        path);
            }
        }
        // On the wire: the headers and nothing after them, else the next reply on the connection would begin with
        // the body.
        try (Socket socket = new Socket("127.0.0.1", api.server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("HEAD /v2/health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String head = responseHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.toLowerCase(Locale.ROOT).matches("(?s).*\r\ncontent-length: [1-9][0-9]*\r\n.*"), head);
            out.write("GET /v2/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String next = responseHead(in);
            assertTrue(next.startsWith("HTTP/1.1 200 OK\r\n"), next);
        }
        HttpResponse<byte[]> infer = api.http.send(api.http.request("/v2/models/" + name + "/infer")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(405, infer.statusCode());
        assertEquals("POST", infer.headers().firstValue("Allow").orElseThrow());
    }

    /** A response's status line and headers, read up to the blank line that ends them and not a byte further. */
    private static String responseHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the connection closed after: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void everyResponseCarriesTheModelVersionAndARequestId() throws Exception {
        List<HttpResponse<byte[]>> responses = new ArrayList<>();
        for (String path : List.of("/v2/health/live", "/v2/models/" + name, "/v2/models/nope", "/nowhere",
                "/metrics", "/openapi.json")) {
            responses.add(api.http.get(path));
        }
        responses.add(api.http.postTiff("/v1/predict", Tiles.COG)); // 401
        Set<String> ids = new TreeSet<>();
        for (HttpResponse<byte[]> response : responses) {
            assertEquals(api.model.id(), response.headers().firstValue("X-Model-Version").orElseThrow());
            ids.add(response.headers().firstValue("X-Request-Id").orElseThrow());
            if (response.headers().firstValue("Content-Type").orElseThrow().equals("application/json")
                    && !response.uri().getPath().equals("/openapi.json")) {
                JsonNode body = Http.json(response);
                assertEquals(api.model.id(), body.get("model_version").asText(), response.uri().toString());
                assertEquals(response.headers().firstValue("X-Request-Id").orElseThrow(),
                        body.get("request_id").asText());
            }
        }
        assertEquals(responses.size(), ids.size(), "request ids are unique");
        HttpResponse<byte[]> traced = api.http.send(api.http.request("/v2/health/live")
                .header("X-Request-Id", "trace-42").GET().build());
        assertEquals("trace-42", traced.headers().firstValue("X-Request-Id").orElseThrow());
        assertEquals("trace-42", Http.json(traced).get("request_id").asText());
    }

    @Test
    void metricsParseAsPrometheusTextWithRequestsInferenceFailuresAndTheModelVersion() throws Exception {
        Path tile = Tiles.cut(Tiles.COG, new Window(64, 64, 64, 64), dir);
        assertEquals(200, api.http.postTiff("/v1/predict", tile, "Authorization", "Bearer s3cret-key").statusCode());
        api.http.postTiff("/v1/predict", Tiles.cut(Tiles.COG, new Window(0, 0, 8, 8), dir)); // 401
        HttpResponse<byte[]> response = api.http.get("/metrics");
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow());
        String text = new String(response.body(), StandardCharsets.UTF_8);
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                assertTrue(META.matcher(line).matches(), line);
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertTrue(sample.matches(), "not a Prometheus sample: " + line);
            names.add(sample.group(1));
        }
        assertTrue(names.containsAll(List.of("tileinfer_api_requests_seconds_bucket",
                "tileinfer_api_requests_seconds_count", "tileinfer_api_inference_seconds_bucket",
                "tileinfer_api_failures_total", "tileinfer_model_info", "tileinfer_api_in_flight",
                "tileinfer_api_ready", "jvm_memory_used_bytes")), names.toString());
        assertTrue(text.contains("tileinfer_api_requests_seconds_count{endpoint=\"/v1/predict\",method=\"POST\","
                + "status=\"200\"}"), text);
        assertTrue(text.contains("tileinfer_api_failures_total{cause=\"unauthorized\",endpoint=\"/v1/predict\"}"));
        assertTrue(text.contains("tileinfer_model_info{model_name=\"" + name + "\",model_version=\"" + api.model.id()
                + "\",onnx_sha256=\"" + api.model.onnxSha256() + "\",requested_as=\"production\"} 1"), text);
    }

    @Test
    void theOpenApiDocumentDescribesEveryEndpointAndTheKey() throws Exception {
        JsonNode document = Http.json(api.http.get("/openapi.json"));
        assertEquals("3.0.3", document.get("openapi").asText());
        Set<String> paths = new TreeSet<>();
        document.get("paths").fieldNames().forEachRemaining(paths::add);
        assertEquals(new TreeSet<>(List.of("/v2/health/live", "/v2/health/ready", "/v2", "/v2/models/{name}",
                "/v2/models/{name}/versions/{version}", "/v2/models/{name}/ready",
                "/v2/models/{name}/versions/{version}/ready", "/v2/models/{name}/infer",
                "/v2/models/{name}/versions/{version}/infer", "/v1/predict", "/metrics", "/openapi.json")), paths);
        assertEquals("[{\"apiKey\":[]}]", document.at("/paths/~1v1~1predict/post/security").toString());
        assertTrue(document.at("/paths/~1v2~1health~1live/get/security").isMissingNode());
    }

    /** The document's example request is one the served model takes, on both inference paths. */
    @Test
    void theOpenApiDocumentsInferenceExampleIsAccepted() throws Exception {
        JsonNode document = Http.json(api.http.get("/openapi.json"));
        for (String path : List.of("/v2/models/{name}/infer", "/v2/models/{name}/versions/{version}/infer")) {
            JsonNode example = document.at("/paths/" + path.replace("/", "~1")
                    + "/post/requestBody/content/application~1json/example");
            assertEquals("{\"id\":\"example\",\"inputs\":[{\"name\":\"input\",\"shape\":[1,4,1,1],\"datatype\":"
                    + "\"UINT16\",\"data\":[0,0,0,0]}],\"outputs\":[{\"name\":\"class_map\"}]}", example.toString());
            HttpResponse<byte[]> response = api.http.postJson(path.replace("{name}", name)
                    .replace("{version}", api.model.id()), example, "Authorization", "Bearer s3cret-key");
            assertEquals("class_map", Http.okJson(response).at("/outputs/0/name").asText());
        }
    }

    /**
     * What the document says of a tensor's values is what the server checks: numbers, flat or nested (an array holds
     * numbers or arrays, never both), at least one, within the bounds of the model's input type (uint16 for the test
     * model), whatever the datatype sent.
     */
    @Test
    void theOpenApiDocumentsBandValueBoundsAreTheOnesTheServerChecks() throws Exception {
        JsonNode document = Http.json(api.http.get("/openapi.json"));
        JsonNode bandValue = document.at("/components/schemas/BandValue");
        assertEquals("number", bandValue.get("type").asText());
        assertEquals("0", bandValue.get("minimum").toString());
        assertEquals("65535", bandValue.get("maximum").toString());
        assertEquals("1", bandValue.get("multipleOf").toString());
        assertEquals(1, document.at("/components/schemas/RequestInput/properties/data/minItems").asInt());
        String numbersOrArrays = "[{\"items\":{\"$ref\":\"#/components/schemas/BandValue\"}},{\"items\":"
                + "{\"$ref\":\"#/components/schemas/NestedData\"}}]";
        assertEquals(numbersOrArrays, document.at("/components/schemas/RequestInput/properties/data/anyOf").toString());
        assertEquals(numbersOrArrays, document.at("/components/schemas/NestedData/anyOf").toString());

        String infer = "/v2/models/" + name + "/infer";
        String uint16 = ", expected integers in [0, 65535]: the model takes uint16 band values";
        assertEquals(200, api.http.postJson(infer, fp64("[[[[65535]], [[0]], [[1]], [[2]]]]"), "Authorization",
                "Bearer s3cret-key").statusCode());
        assertError(400, "inputs[0].data[2]: found an array after numbers", api.http.postJson(infer,
                fp64("[65535, 0, [[1]], 2]"), "Authorization", "Bearer s3cret-key"));
        assertError(422, "inputs[0].data[0]: found 65536" + uint16, api.http.postJson(infer,
                fp64("[65536, 0, 1, 2]"), "Authorization", "Bearer s3cret-key"));
        assertError(422, "inputs[0].data[1]: found -1" + uint16, api.http.postJson(infer,
                fp64("[0, -1, 1, 2]"), "Authorization", "Bearer s3cret-key"));
        assertError(422, "inputs[0].data[2]: found 1.5" + uint16, api.http.postJson(infer,
                fp64("[0, 0, 1.5, 2]"), "Authorization", "Bearer s3cret-key"));
        assertError(400, "inputs[0].data: found 0 values, expected 4", api.http.postJson(infer, fp64("[]"),
                "Authorization", "Bearer s3cret-key"));
        assertError(400, "inputs[0].data[1]: found null, expected a number", api.http.postJson(infer,
                fp64("[0, null, 1, 2]"), "Authorization", "Bearer s3cret-key"));
    }

    /** A request for one pixel of the test model's 4 bands sent as FP64, so that only the model's type bounds it. */
    private static JsonNode fp64(String data) throws Exception {
        return Http.JSON.readTree("{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4, 1, 1], \"datatype\": "
                + "\"FP64\", \"data\": " + data + "}]}");
    }
}
