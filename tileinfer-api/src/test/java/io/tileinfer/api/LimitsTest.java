package io.tileinfer.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
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
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.tileinfer.api.PredictTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent clients, the in-flight limit, the request timeout and clients that stop sending or go away, against a
 * running server.
 */
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
    void aSenderThatStopsIsCutOffAtTheRequestTimeoutAndItsSlotIsFreed(@TempDir Path dir) throws Exception {
        byte[] tiff = Files.readAllBytes(Tiles.COG);
        try (TestServer api = TestServer.start(dir, settings -> settings.withLimits(16 << 20, 1024, 1, 1,
                Duration.ofMillis(1500)))) {
            try (SlowUpload stalled = new SlowUpload(api.server.port(), "/v1/predict", tiff)) {
                awaitInFlight(api, 1);
                // the client sends nothing more; without the cut-off no answer would come (response() gives up
                // after 20 s), and the 408's text says it is the request timeout's
                SlowUpload.Response cut = stalled.response();
                assertEquals(408, cut.status(), cut.body());
                assertTrue(cut.body().contains("the request body did not arrive within the request timeout (1024 "
                        + "bytes received of " + tiff.length + " declared)"), cut.body());
                assertTrue(cut.head().toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), cut.head());
                assertTrue(stalled.closedByServer());
            }
            awaitInFlight(api, 0);
            assertEquals(200, api.http.postTiff("/v1/predict", Tiles.COG).statusCode());
        }
    }

    @Test
    void aClientThatGoesAwayMidBodyIsCountedAsSuchAndNotAsAServerError(@TempDir Path dir) throws Exception {
        byte[] tiff = Files.readAllBytes(Tiles.COG);
        CapturedLogs logged = new CapturedLogs(Logger.ROOT_LOGGER_NAME);
        try (logged; TestServer api = TestServer.start(dir, settings -> settings)) {
            try (SlowUpload goesAway = new SlowUpload(api.server.port(), "/v1/predict", tiff)) {
                awaitInFlight(api, 1);
            }
            awaitInFlight(api, 0);
            String metrics = awaitMetrics(api, "status=\"499\"");
            assertTrue(metrics.contains("tileinfer_api_failures_total{cause=\"client_aborted\",endpoint=\"/v1/predict\"}"
                    + " 1.0"), metrics);
            assertFalse(metrics.contains("cause=\"internal\""), metrics);
            assertTrue(metrics.contains("tileinfer_api_requests_seconds_count{endpoint=\"/v1/predict\",method=\"POST\","
                    + "status=\"499\"} 1"), metrics);
        }
        List<ILoggingEvent> events = logged.events();
        assertEquals(List.of(), events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)
                || e.getThrowableProxy() != null).map(ILoggingEvent::getFormattedMessage).toList());
        List<String> warnings = events.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(List.of("POST /v1/predict: the client closed the connection after 1024 bytes of the body of "
                + tiff.length + " declared (InsufficientDataAvailableException)"), warnings);
        assertTrue(events.stream().anyMatch(e -> e.getLoggerName().equals("tileinfer.access")
                && e.getFormattedMessage().equals("POST /v1/predict 499")), events.toString());
    }

    static void awaitInFlight(TestServer api, int count) throws Exception {
        for (int i = 0; i < 500 && inFlight(api) != count; i++) {
            Thread.sleep(10);
        }
        assertEquals(count, inFlight(api));
    }

    /** The metrics once they hold {@code text} (within 5 s: a request is recorded after its reply is sent). */
    private static String awaitMetrics(TestServer api, String text) throws Exception {
        String metrics = "";
        for (int i = 0; i < 500 && !metrics.contains(text); i++) {
            Thread.sleep(10);
            metrics = new String(api.http.get("/metrics").body(), StandardCharsets.UTF_8);
        }
        return metrics;
    }

    static int inFlight(TestServer api) throws Exception {
        String metrics = new String(api.http.get("/metrics").body(), StandardCharsets.UTF_8);
        return metrics.lines().filter(line -> line.startsWith("tileinfer_api_in_flight "))
                .mapToInt(line -> (int) Double.parseDouble(line.split(" ")[1])).findFirst().orElseThrow();
    }

    private static JsonNode answer(HttpResponse<byte[]> response) throws Exception {
        return Http.okJson(response);
    }

    private static JsonNode withoutRequestId(JsonNode body) {
        return ((com.fasterxml.jackson.databind.node.ObjectNode) body.deepCopy()).without("request_id");
    }
}
