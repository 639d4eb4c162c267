package io.tileinfer.api;

import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.KeyValuePair;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access-log line of a refused request says why, with the cause the metrics count it under. */
class AccessLogTest {

    @Test
    void errorResponsesCarryTheirCauseAndMessage(@TempDir Path dir) throws Exception {
        String metrics;
        CapturedLogs logged = new CapturedLogs("tileinfer.access");
        try (logged; TestServer api = TestServer.start(dir, settings -> settings.withLimits(16 << 20, 256, 4, 1,
                Duration.ofSeconds(30)))) {
            assertEquals(400, api.http.postTiff("/v1/predict?pixels=yes", Tiles.COG).statusCode());
            assertEquals(422, api.http.postTiff("/v1/predict", Tiles.COG).statusCode()); // 627 x 603 > 256
            assertEquals(200, api.http.get("/v2/health/live").statusCode());
            metrics = new String(api.http.get("/metrics").body(), StandardCharsets.UTF_8);
        }
        List<Map<String, Object>> lines = logged.events().stream().map(AccessLogTest::fields).toList();

        Map<String, Object> badRequest = line(lines, 400);
        assertEquals("bad_request", badRequest.get("cause"));
        assertEquals("query parameter pixels: found \"yes\", expected true or false", badRequest.get("error"));
        assertTrue(metrics.contains("tileinfer_api_failures_total{cause=\"bad_request\",endpoint=\"/v1/predict\"} 1.0"),
                metrics);

        Map<String, Object> unprocessable = line(lines, 422);
        assertEquals("validation", unprocessable.get("cause"));
        assertEquals("tile.tif: size: found 627 x 603 pixels, expected at most 256 x 256 (the server's "
                + "--max-tile-side): cut the scene into tiles", unprocessable.get("error"));
        assertTrue(metrics.contains("tileinfer_api_failures_total{cause=\"validation\",endpoint=\"/v1/predict\"} 1.0"),
                metrics);

        Map<String, Object> ok = line(lines, 200);
        assertFalse(ok.containsKey("cause"), ok.toString());
        assertFalse(ok.containsKey("error"), ok.toString());
    }

    private static Map<String, Object> fields(ILoggingEvent event) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (KeyValuePair pair : event.getKeyValuePairs() == null ? List.<KeyValuePair>of() : event.getKeyValuePairs()) {
            fields.put(pair.key, pair.value);
        }
        return fields;
    }

    private static Map<String, Object> line(List<Map<String, Object>> lines, int status) {
        return lines.stream().filter(line -> Integer.valueOf(status).equals(line.get("status"))).findFirst()
                .orElseThrow(() -> new AssertionError("no access line with status " + status + ": " + lines));
    }
}
