package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
}
