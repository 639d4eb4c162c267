package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.tileinfer.api.PredictTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrent clients, the in-flight limit and the request timeout, against a running server. */
class LimitsTest {

    @Test
    void concurrentClientsGetTheSameAnswersAsOneClient(@TempDir Path dir) throws Exception {
        try (TestServer api = TestServer.start(dir, settings -> settings.withLimits(16 << 20, 1024, 64, 2,
                Duration.ofSeconds(60)))) {
            List<Path> tiles = List.of(Tiles.cut(Tiles.COG, new Window(0, 0, 256, 256), dir),
                    Tiles.cut(Tiles.COG, new Window(256, 256, 256, 256), dir),
                    Tiles.cut(Tiles.COG, new Window(512, 256, 115, 256), dir));
            List<JsonNode> expected = new ArrayList<>();
            for (Path tile : tiles) {
                expected.add(answer(api.http.postTiff("/v1/predict?pixels=true", tile)));
            }
            String name = api.model.card().name();
            float[] values = Tiles.values(Tiles.COG, new Window(256, 256, 256, 256));
            JsonNode expectedTensor = answer(api.http.postJson("/v2/models/" + name + "/infer",
                    OpenInferenceTest.inferRequest("same", values, 1, 256, 256)));

            try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 48; i++) {
                    int which = i % 4;
                    results.add(clients.submit(() -> which == 3
                            ? answer(api.http.postJson("/v2/models/" + name + "/infer",
                                    OpenInferenceTest.inferRequest("same", values, 1, 256, 256)))
                                    .get("outputs").equals(expectedTensor.get("outputs"))
                            : withoutRequestId(answer(api.http.postTiff("/v1/predict?pixels=true",
                                    tiles.get(which)))).equals(withoutRequestId(expected.get(which)))));
                }
                for (Future<Boolean> result : results) {
                    assertEquals(true, result.get());
                }
            }
        }
    }

    @Test
    void beyondTheInFlightLimitRequestsGet503WithRetryAfter(@TempDir Path dir) throws Exception {
        try (TestServer api = TestServer.start(dir, settings -> settings.withLimits(16 << 20, 1024, 1, 1,
                Duration.ofSeconds(60)))) {
            try (SlowUpload slow = new SlowUpload(api.server.port(), "/v1/predict", Files.readAllBytes(Tiles.COG))) {
                awaitInFlight(api, 1);

                HttpResponse<byte[]> refused = api.http.postTiff("/v1/predict", Tiles.COG);
                assertError(503, "the server is at its limit of 1 inference requests in flight", refused);
                assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
                assertEquals(200, api.http.get("/v2/health/ready").statusCode()); // health is never queued

                SlowUpload.Response first = slow.finish();
                assertEquals(200, first.status(), first.body());
            }
            assertEquals(200, api.http.postTiff("/v1/predict", Tiles.COG).statusCode());
        }
    }

    @Test
    void aBodyThatDoesNotArriveWithinTheRequestTimeoutGets408(@TempDir Path dir) throws Exception {
        try (TestServer api = TestServer.start(dir, settings -> settings.withLimits(16 << 20, 1024, 4, 1,
                Duration.ofMillis(800)))) {
            try (SlowUpload slow = new SlowUpload(api.server.port(), "/v1/predict", Files.readAllBytes(Tiles.COG))) {
                Thread.sleep(1500);
                SlowUpload.Response late = slow.finish();
                assertEquals(408, late.status(), late.body());
                assertTrue(late.body().contains("the request body did not arrive within the request timeout"),
                        late.body());
            }
            awaitInFlight(api, 0);
        }
    }

    static void awaitInFlight(TestServer api, int count) throws Exception {
        for (int i = 0; i < 500 && inFlight(api) != count; i++) {
            Thread.sleep(10);
        }
        assertEquals(count, inFlight(api));
    }

    static int inFlight(TestServer api) throws Exception {
        String metrics = new String(api.http.get("/metrics").body(), StandardCharsets.UTF_8);
        return metrics.lines().filter(line -> line.startsWith("tileinfer_api_in_flight "))
                .mapToInt(line -> (int) Double.parseDouble(line.split(" ")[1])).findFirst().orElseThrow();
    }

    private static JsonNode answer(HttpResponse<byte[]> response) throws Exception {
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        return Http.json(response);
    }

    private static JsonNode withoutRequestId(JsonNode body) {
        return ((com.fasterxml.jackson.databind.node.ObjectNode) body.deepCopy()).without("request_id");
    }
}
