package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.core.run.Runs;
import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.RunRecord;
import io.tileinfer.model.ModelVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web page's endpoints through a real HTTP client, against a server on the rows and rasters of a real batch run
 * (two scenes: an intact COG, and a truncated file whose last tiles fail to read).
 */
class WebPageTest {

    @TempDir
    static Path dir;
    static ModelVersion model;
    static RunSummary run;
    static ApiServer server;
    static Http http;

    @BeforeAll
    static void runABatchAndServe() throws Exception {
        Path registry = Files.createDirectories(dir.resolve("models"));
        model = TestModels.brightness(registry);
        Path source = Path.of(SharedData.variant("l8_rgbn_tiled256_deflate_pred2.tif"));
        Path cut = dir.resolve("l8_rgbn_cut.tif");
        byte[] bytes = Files.readAllBytes(source);
        Files.write(cut, Arrays.copyOf(bytes, bytes.length * 3 / 4));
        Path config = Runs.config(dir, """
                model: production
                registry: %s
                output: runs
                tiling: {size: 128, halo: 0}
                retries: 0
                checks: {skip: [integrity]}
                scenes:
                  - {id: l8, file: %s}
                  - {id: truncated, file: %s}
                """.formatted(registry, SharedData.variant("l8_rgbn_cog.tif"), cut));
        run = Runs.run(config, 1);
        server = ApiServer.start(registry, "production", ApiSettings.defaults(),
                "jdbc:sqlite:" + dir.resolve("runs/results.db"));
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    @Test
    void theRunsListShowsTheRunWithItsCountsAndDuration() throws Exception {
        JsonNode runs = json("/ui/api/runs").get("runs");
        assertEquals(1, runs.size());
        JsonNode first = runs.get(0);
        assertEquals(run.runId(), first.get("run_id").asText());
        assertEquals("finished_with_failures", first.get("status").asText());
        assertEquals(model.id(), first.get("model_version").asText());
        assertEquals(run.counts().done(), first.get("done").asLong());
        assertEquals(run.counts().failed(), first.get("failed").asLong());
        assertTrue(run.counts().failed() > 0 && run.counts().done() > 0);
        assertTrue(first.get("duration_seconds").asDouble() > 0);
        assertTrue(json("/ui/api/runs").get("next").isNull(), "one run: no older page");
    }

    @Test
    void theRunsListComesInPagesNewestFirstThatANewRunDoesNotShift(@TempDir Path other) throws Exception {
        String url = "jdbc:sqlite:" + other.resolve("results.db");
        Instant start = Instant.parse("2026-05-01T00:00:00Z");
        List<String> newestFirst = new ArrayList<>();
        try (JdbcResultStore store = JdbcResultStore.open(url)) {
            for (int i = 0; i < 52; i++) { // two runs a start: ties, told apart by run id
                store.saveRun(new RunRecord("run-%02d".formatted(i), "c.yaml", "sha", model.id(),
                        start.plusSeconds(i / 2), null, "running", null, null));
                newestFirst.addFirst("run-%02d".formatted(i));
            }
        }
        ApiServer paged = ApiServer.start(dir.resolve("models"), "production", ApiSettings.defaults(), url);
        try {
            Http client = new Http(paged.port());
            JsonNode first = Http.json(client.get("/ui/api/runs"));
            assertEquals(newestFirst.subList(0, 50), names(first.get("runs"), "run_id"), "50 by default");
            assertEquals(0, first.at("/runs/0/done").asLong());
            String next = first.get("next").asText();
            assertTrue(next.matches("[A-Za-z0-9_-]+"), "base64url: " + next);
            JsonNode last = Http.json(client.get("/ui/api/runs?before=" + next));
            assertEquals(newestFirst.subList(50, 52), names(last.get("runs"), "run_id"));
            assertTrue(last.get("next").isNull(), "the last page");
            assertEquals(newestFirst, names(Http.json(client.get("/ui/api/runs?limit=500")).get("runs"), "run_id"));

            // pages of 20; a run starts after the first was read: the pages after it go on where they were
            List<String> walked = new ArrayList<>();
            JsonNode page = Http.json(client.get("/ui/api/runs?limit=20"));
            walked.addAll(names(page.get("runs"), "run_id"));
            try (JdbcResultStore store = JdbcResultStore.open(url)) {
                store.saveRun(new RunRecord("run-new", "c.yaml", "sha", model.id(), Instant.now(), null, "running",
                        null, null));
            }
            while (!page.get("next").isNull()) {
                page = Http.json(client.get("/ui/api/runs?limit=20&before=" + page.get("next").asText()));
                assertTrue(page.get("runs").size() <= 20);
                walked.addAll(names(page.get("runs"), "run_id"));
            }
            assertEquals(newestFirst, walked);
            assertEquals(List.of("run-new"), names(Http.json(client.get("/ui/api/runs?limit=1")).get("runs"),
                    "run_id"));
        } finally {
            paged.shutdown();
        }
    }

    @Test
    void aRunShowsItsManifestScenesAndFailuresWithTheirCauses() throws Exception {
        JsonNode detail = json("/ui/api/runs/" + run.runId());
        assertEquals(run.runId(), detail.at("/manifest/run_id").asText());
        assertEquals(List.of("l8", "truncated"), names(detail.get("scenes"), "scene_id"));
        assertTrue(detail.at("/scenes/0/map").asBoolean());
        JsonNode failures = detail.get("failures");
        assertEquals(run.counts().failed(), failures.size());
        assertEquals(run.counts().failed(), detail.get("failures_total").asLong());
        for (JsonNode failure : failures) {
            assertEquals("FAILED", failure.get("status").asText());
            assertEquals("read", failure.get("cause").asText());
            assertTrue(failure.get("error").asText().contains("l8_rgbn_cut.tif"), failure.toString());
        }
    }

    @Test
    void aScenesTilesAreGeoJsonInItsCrsWithEachRow() throws Exception {
        JsonNode tiles = json("/ui/api/runs/" + run.runId() + "/scenes/l8/tiles");
        assertEquals("FeatureCollection", tiles.get("type").asText());
        assertEquals("EPSG:32616", tiles.at("/scene/crs").asText());
        assertEquals(List.of(452475.0, 3390555.0, 471285.0, 3408645.0),
                List.of(tiles.at("/scene/extent/0").asDouble(), tiles.at("/scene/extent/1").asDouble(),
                        tiles.at("/scene/extent/2").asDouble(), tiles.at("/scene/extent/3").asDouble()));
        assertEquals(List.of("clear", "cloud"), names(tiles.at("/scene/classes"), "name"));
        assertEquals(5 * 5, tiles.get("features").size()); // ceil(627/128) x ceil(603/128)
        JsonNode first = tiles.at("/features/0");
        assertEquals("Polygon", first.at("/geometry/type").asText());
        assertEquals(452475.0, first.at("/geometry/coordinates/0/0/0").asDouble());
        assertEquals(3408645.0, first.at("/geometry/coordinates/0/2/1").asDouble());
        assertEquals(128, first.at("/properties/window/width").asInt());
        assertEquals(64, first.at("/properties/input_sha256").asText().length());
        assertEquals("DONE", first.at("/properties/status").asText());
        assertTrue(first.at("/properties/class_fractions").has("cloud"));
        // longitude and latitude through GDAL's OSR (gdaltransform gives -87.4968352830722 30.8099457467479)
        assertEquals(-87.4968352830722, tiles.at("/scene/footprint_lon_lat/coordinates/0/0/0").asDouble(), 1e-9);
        assertEquals(30.8099457467479, tiles.at("/scene/footprint_lon_lat/coordinates/0/0/1").asDouble(), 1e-9);
        double lon = first.at("/properties/centre_lon_lat/0").asDouble();
        assertTrue(lon > -87.497 && lon < -87.47, "the first tile's centre is near the north-west corner: " + lon);
    }

    @Test
    void aScenesFootprintIsItsStacItemsAndItsCentreIsTransformedNotAveraged(@TempDir Path other) throws Exception {
        // the Landsat scene: one polygon, its edges cut in 16; gdaltransform gives -87.3981797185198 30.728669372083
        // for the middle of its extent
        JsonNode l8 = json("/ui/api/runs/" + run.runId() + "/scenes/l8/tiles").get("scene");
        assertEquals("Polygon", l8.at("/footprint_lon_lat/type").asText());
        assertEquals(4 * 16 + 1, l8.at("/footprint_lon_lat/coordinates/0").size());
        assertEquals(-87.3981797185198, l8.at("/centre_lon_lat/0").asDouble(), 1e-9);
        assertEquals(30.728669372083, l8.at("/centre_lon_lat/1").asDouble(), 1e-9);

        // a scene across the antimeridian: two polygons that meet there, and its centre just west of it (gdaltransform
        // gives -179.992094222835 -17.5149256420562), where a mean of the corners' longitudes would be near 0°
        Path fiji = SharedData.acrossTheAntimeridian(other);
        RunSummary fijiRun = Runs.run(Runs.config(other, """
                model: production
                registry: %s
                output: runs
                tiling: {size: 128, halo: 0}
                scenes:
                  - {id: fiji, file: %s}
                """.formatted(dir.resolve("models"), fiji)), 1);
        ApiServer fijiServer = ApiServer.start(dir.resolve("models"), "production", ApiSettings.defaults(),
                "jdbc:sqlite:" + other.resolve("runs/results.db"));
        try {
            JsonNode scene = Http.json(new Http(fijiServer.port())
                    .get("/ui/api/runs/" + fijiRun.runId() + "/scenes/fiji/tiles")).get("scene");
            JsonNode footprint = scene.get("footprint_lon_lat");
            assertEquals("MultiPolygon", footprint.get("type").asText());
            assertEquals(2, footprint.get("coordinates").size());
            for (JsonNode point : footprint.at("/coordinates/0/0")) {
                assertTrue(point.get(0).asDouble() > 179.9 && point.get(0).asDouble() <= 180, point.toString());
            }
            for (JsonNode point : footprint.at("/coordinates/1/0")) {
                assertTrue(point.get(0).asDouble() >= -180 && point.get(0).asDouble() < -179.9, point.toString());
            }
            assertEquals(-179.992094222835, scene.at("/centre_lon_lat/0").asDouble(), 1e-9);
            assertEquals(-17.5149256420562, scene.at("/centre_lon_lat/1").asDouble(), 1e-9);
        } finally {
            fijiServer.shutdown();
        }
    }

    @Test
    void thePredictionPictureHasTheClassColoursAndIsClearWhereThereIsNoPrediction() throws Exception {
        BufferedImage full = png("/ui/api/runs/" + run.runId() + "/scenes/l8/prediction.png");
        assertEquals(List.of(627, 603), List.of(full.getWidth(), full.getHeight()));
        assertEquals(Set.of(0xFF2CA02C, 0xFFFFFFFF), colours(full));

        BufferedImage small = png("/ui/api/runs/" + run.runId() + "/scenes/l8/prediction.png?size=100");
        assertEquals(List.of(100, 96), List.of(small.getWidth(), small.getHeight()));

        // the truncated scene's failed tiles have no prediction: transparent there
        Set<Integer> partial = colours(png("/ui/api/runs/" + run.runId() + "/scenes/truncated/prediction.png"));
        assertTrue(partial.contains(0), "failed tiles are transparent");
        assertTrue(partial.contains(0xFF2CA02C));
    }

    @Test
    void aPictureTheBrowserHasIsNotRenderedAgain() throws Exception {
        String path = "/ui/api/runs/" + run.runId() + "/scenes/l8/prediction.png?size=100";
        HttpResponse<byte[]> first = http.get(path);
        assertEquals(200, first.statusCode());
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.startsWith("\"prediction-100-") && etag.length() > 64, etag);
        assertEquals("private, no-cache", first.headers().firstValue("Cache-Control").orElseThrow());

        HttpResponse<byte[]> again = http.send(http.request(path).header("If-None-Match", etag).GET().build());
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        // as RFC 9110 has it: any picture, one tag of a list, a weak tag
        for (String header : List.of("*", "\"other\", " + etag, "W/" + etag)) {
            assertEquals(304, http.send(http.request(path).header("If-None-Match", header).GET().build())
                    .statusCode(), header);
        }
        // another size, another picture
        HttpResponse<byte[]> other = http.send(http.request(path.replace("=100", "=120"))
                .header("If-None-Match", etag).GET().build());
        assertEquals(200, other.statusCode());
        assertTrue(other.body().length > 0);
        assertFalse(etag.equals(other.headers().firstValue("ETag").orElseThrow()));
    }

    @Test
    void theImageryPictureIsTheSceneInColour() throws Exception {
        BufferedImage imagery = png("/ui/api/runs/" + run.runId() + "/scenes/l8/imagery.png?size=300");
        assertEquals(List.of(300, 289), List.of(imagery.getWidth(), imagery.getHeight()));
        assertTrue(colours(imagery).size() > 1000, "a stretched image, not a flat one");
        assertTrue(colours(imagery).stream().anyMatch(rgb -> (rgb >> 16 & 0xFF) != (rgb & 0xFF)),
                "red, green and blue bands, not grey");
    }

    /**
     * The imagery is read as batch read the bands (the manifest's bands): a file whose band descriptions name the
     * model's bands in reverse gives the same picture as the file in the model's order, not one in other colours.
     */
    @Test
    void theImageryOfAFileReadByItsBandDescriptionsIsInTheModelsColours(@TempDir Path other) throws Exception {
        Path reversed = SharedData.describedBands(Path.of(SharedData.variant("l8_rgbn_cog.tif")),
                other.resolve("reversed.tif"), new int[]{4, 3, 2, 1}, "B5", "B4", "B3", "B2");
        Path registry = Files.createDirectories(other.resolve("models"));
        TestModels.brightness(registry);
        RunSummary both = Runs.run(Runs.config(other, """
                registry: %s
                output: runs
                tiling: {size: 128, halo: 0}
                scenes:
                  - {id: ordered, file: %s}
                  - {id: reversed, file: %s}
                """.formatted(registry, SharedData.variant("l8_rgbn_cog.tif"), reversed)), 1);
        ApiServer page = ApiServer.start(registry, "production", ApiSettings.defaults(),
                "jdbc:sqlite:" + other.resolve("runs/results.db"));
        try {
            Http client = new Http(page.port());
            String scenes = "/ui/api/runs/" + both.runId() + "/scenes/"; // at full size: the COG's overviews aside
            HttpResponse<byte[]> ordered = client.get(scenes + "ordered/imagery.png?size=627");
            HttpResponse<byte[]> byDescriptions = client.get(scenes + "reversed/imagery.png?size=627");
            assertEquals(200, byDescriptions.statusCode(), new String(byDescriptions.body()));
            assertArrayEquals(ordered.body(), byDescriptions.body());
        } finally {
            page.shutdown();
        }
    }

    @Test
    void modelsShowTheirVersionsAliasesAndCards() throws Exception {
        JsonNode models = json("/ui/api/models");
        assertEquals(model.id(), models.at("/aliases/production").asText());
        assertEquals(model.id(), models.get("served").asText(), "the version this server serves");
        JsonNode first = models.at("/models/0");
        assertEquals(model.id(), first.get("version").asText());
        assertEquals(List.of("production"), List.of(first.at("/aliases/0").asText()));
        assertEquals("bright-test", first.get("name").asText());
        assertTrue(first.has("metrics"));
    }

    @Test
    void thePageAndItsAssetsComeFromTheJar() throws Exception {
        HttpResponse<byte[]> page = http.get("/ui");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'self'"));
        String html = new String(page.body());
        assertTrue(html.contains("/ui/assets/ol.js") && !html.contains("http://") && !html.contains("https://"),
                "nothing from elsewhere");
        HttpResponse<byte[]> ol = http.get("/ui/assets/ol.js");
        assertEquals(200, ol.statusCode());
        assertTrue(ol.body().length > 500_000, "OpenLayers' full build");
        assertEquals(200, http.get("/ui/assets/app.js").statusCode());
    }

    @Test
    void badRequestsGetAClear4xxAndNothingElse() throws Exception {
        assertError(http.get("/ui/api/runs/nope"), 404, "no such run: nope");
        assertError(http.get("/ui/api/runs/" + run.runId() + "/scenes/nope/tiles"), 404, "has no scene nope");
        assertError(http.get("/ui/api/runs/" + run.runId() + "/scenes/l8/prediction.png?size=big"), 400, "size");
        assertError(http.get("/ui/api/runs/" + run.runId() + "/scenes/l8/prediction.png?size=99999"), 400, "4096");
        assertError(http.get("/ui/api/runs/" + run.runId() + "/scenes/l8/prediction.png?size=99999999999"), 400,
                "size: found 99999999999, expected");
        assertError(http.get("/ui/assets/secret.txt"), 404, "no such asset");
        assertError(http.get("/ui/api/runs?limit=0"), 400, "limit: found 0, expected 1 to 500 runs");
        assertError(http.get("/ui/api/runs?limit=501"), 400, "limit: found 501, expected 1 to 500 runs");
        assertError(http.get("/ui/api/runs?limit=ten"), 400, "limit: found 'ten', expected a whole number of runs");
        String cursor = "expected the \"next\" of an earlier reply";
        for (String before : List.of("", "not*base64", base64url("2026-05-01T00:00:00Z"),
                base64url("yesterday|run-1"), base64url("2026-05-01T00:00:00Z|"))) {
            assertError(http.get("/ui/api/runs?before=" + before), 400, "before: not a cursor of the runs list, "
                    + cursor);
        }
        // the truncated input's missing blocks: a clear error, and the page goes on without a background
        assertError(http.get("/ui/api/runs/" + run.runId() + "/scenes/truncated/imagery.png"), 422,
                "its imagery cannot be read: ");
        assertEquals(404, http.get("/ui/assets/..%2F..%2Fpipeline.yaml").statusCode());
        assertEquals(404, http.get("/ui/assets/../../etc/passwd").statusCode());
        // read-only: every other method is refused
        assertError(http.send(http.request("/ui/api/runs").DELETE().build()), 405, "not allowed");
        assertError(http.send(http.request("/ui/api/runs/" + run.runId()).POST(HttpRequest.BodyPublishers.noBody())
                .build()), 405, "not allowed");
    }

    /** A prediction raster damaged after the run: the same 422 as damaged imagery, not an internal error. */
    @Test
    void aDamagedPredictionRasterIsUnreadableNotAnInternalError() throws Exception {
        Path output = run.runDir().resolve("predictions/l8.tif");
        byte[] intact = Files.readAllBytes(output);
        try {
            Files.write(output, Arrays.copyOf(intact, 20_000));
            assertError(http.get("/ui/api/runs/" + run.runId() + "/scenes/l8/prediction.png"), 422,
                    "scene l8 of run " + run.runId() + ": its prediction raster cannot be read: ");
        } finally {
            Files.write(output, intact);
        }
    }

    @Test
    void withAnApiKeyTheDataNeedsItAndThePageDoesNot() throws Exception {
        ApiServer keyed = ApiServer.start(dir.resolve("models"), "production",
                ApiSettings.defaults().withApiKey("s3cret"), "jdbc:sqlite:" + dir.resolve("runs/results.db"));
        try {
            Http client = new Http(keyed.port());
            assertEquals(200, client.get("/ui").statusCode());
            assertEquals(200, client.get("/ui/assets/app.js").statusCode());
            assertError(client.get("/ui/api/runs"), 401, "missing API key");
            assertError(client.get("/ui/api/models"), 401, "missing API key");
            assertError(client.send(client.request("/ui/api/runs").header("Authorization", "Bearer nope").build()),
                    401, "wrong API key");
            HttpResponse<byte[]> ok = client.send(client.request("/ui/api/runs/" + run.runId()
                    + "/scenes/l8/prediction.png").header("Authorization", "Bearer s3cret").build());
            assertEquals(200, ok.statusCode());
            assertEquals("image/png", ok.headers().firstValue("Content-Type").orElseThrow());
        } finally {
            keyed.shutdown();
        }
    }

    @Test
    void withoutAStoreThePageListsNoRun(@TempDir Path empty) throws Exception {
        ApiServer bare = ApiServer.start(dir.resolve("models"), "production", ApiSettings.defaults(),
                "jdbc:sqlite:" + empty.resolve("absent.db"));
        try {
            JsonNode runs = Http.json(new Http(bare.port()).get("/ui/api/runs"));
            assertFalse(runs.get("store").asBoolean());
            assertEquals(0, runs.get("runs").size());
            assertTrue(runs.get("next").isNull());
            assertFalse(Files.exists(empty.resolve("absent.db")), "the page never creates a database");
            // a batch creates it after the server started: the page reads it from then on, without a restart
            try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + empty.resolve("absent.db"))) {
                store.saveRun(new RunRecord("later", "c.yaml", "sha", "m-1", Instant.now(), null, "running", null,
                        Instant.now()));
            }
            JsonNode later = Http.json(new Http(bare.port()).get("/ui/api/runs"));
            assertTrue(later.get("store").asBoolean());
            assertEquals("later", later.at("/runs/0/run_id").asText());
        } finally {
            bare.shutdown();
        }
        // a store that cannot be opened leaves the API serving, and the page without runs
        ApiServer down = ApiServer.start(dir.resolve("models"), "production", ApiSettings.defaults(),
                "jdbc:postgresql://127.0.0.1:1/tileinfer?user=nobody&connectTimeout=2");
        try {
            Http client = new Http(down.port());
            assertEquals(200, client.get("/v2/health/ready").statusCode());
            assertFalse(Http.json(client.get("/ui/api/runs")).get("store").asBoolean());
        } finally {
            down.shutdown();
        }
    }

    private static JsonNode json(String path) throws Exception {
        HttpResponse<byte[]> response = http.get(path);
        assertEquals(200, response.statusCode(), () -> new String(response.body()));
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        return Http.json(response);
    }

    private static BufferedImage png(String path) throws Exception {
        HttpResponse<byte[]> response = http.get(path);
        assertEquals(200, response.statusCode(), () -> new String(response.body()));
        assertEquals("image/png", response.headers().firstValue("Content-Type").orElseThrow());
        return ImageIO.read(new ByteArrayInputStream(response.body()));
    }

    private static Set<Integer> colours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours;
    }

    private static void assertError(HttpResponse<byte[]> response, int status, String text) throws Exception {
        assertEquals(status, response.statusCode(), () -> new String(response.body()));
        String error = Http.json(response).get("error").asText();
        assertTrue(error.contains(text), error);
        assertFalse(error.contains("Exception") || error.contains("\tat "), "no stack trace: " + error);
    }

    private static String base64url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> names(JsonNode array, String field) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(n -> n.get(field).asText())
                .toList();
    }
}
