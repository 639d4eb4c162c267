package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.model.InputScaling;
import io.tileinfer.model.ModelOptions;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.model.TileModel;
import io.tileinfer.raster.RasterInfo;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.Window;
import net.e175.klaus.solarpositioning.DeltaT;
import net.e175.klaus.solarpositioning.SPA;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static io.tileinfer.api.PredictTest.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model whose bands are corrected for the sun angle (its input is {@code (raw * scale + offset) / sin(sun
 * elevation)}, TestModels.sunCorrected), served: the elevation comes with an Open Inference request as
 * {@code parameters.sun_elevation}, with a GeoTIFF tile as {@code ?sun_elevation=} or from the tile's own time and
 * place; without one, the answer says how to give it. Each answer is checked against the model's own output for the
 * inputs divided by the sine, and the tiles are chosen where that division changes the classes, so an answer that
 * skipped it would fail.
 */
class SunElevationTest {

    private static final int SIDE = 32;

    @TempDir
    static Path dir;
    static TestServer api;
    static Http http;
    static ModelVersion model;
    static String infer;

    @BeforeAll
    static void start() throws Exception {
        api = TestServer.start(dir, registry -> TestModels.sunCorrected(registry, "production"), settings -> settings);
        http = api.http;
        model = api.model;
        infer = "/v2/models/" + model.card().name() + "/infer";
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void theModelsMetadataSaysWhichBandsAreCorrectedForTheSunAngle() throws Exception {
        JsonNode bands = Http.json(http.get("/v2/models/" + model.card().name())).at("/parameters/bands");
        assertEquals(4, bands.size());
        for (JsonNode band : bands) {
            assertTrue(band.path("sun_angle_corrected").isBoolean(), band.toString());
            assertTrue(band.get("sun_angle_corrected").booleanValue(), band.toString());
        }
    }

    @Test
    void inferWithoutTheSunsElevationIs422SayingWhatToSend() throws Exception {
        String message = "parameters.sun_elevation: missing, expected the sun's elevation at the tiles in degrees: the "
                + "model divides bands [B2, B3, B4, B5] by its sine (top-of-atmosphere reflectance corrected for the "
                + "sun angle)";
        float[] raw = Tiles.values(Tiles.COG, new Window(0, 0, SIDE, SIDE));
        // no parameters, none, and others only
        for (Map<String, Object> parameters : List.<Map<String, Object>>of(Map.of("none", true), Map.of(),
                Map.of("sun_azimuth", 120))) {
            Map<String, Object> request = OpenInferenceTest.inferRequest(null, raw, 1, SIDE, SIDE);
            if (!parameters.containsKey("none")) {
                request.put("parameters", parameters);
            }
            HttpResponse<byte[]> response = http.postJson(infer, request);
            assertError(422, message, response);
            assertEquals(message, Http.json(response).get("error").asText(), parameters.toString());
            assertEquals(model.id(), Http.json(response).get("model_version").asText());
        }
    }

    /**
     * The answer for 30 degrees is the model's for the inputs divided by sin(30°) = 0.5, and the answer for 90 degrees
     * (a sine of 1, as if there were no correction) is the model's for the inputs undivided; the two differ in half
     * the pixels of this tile.
     */
    @Test
    void inferDividesTheScaledBandsByTheSineOfTheGivenElevation() throws Exception {
        float[] raw = Tiles.values(Tiles.COG, new Window(256, 256, SIDE, SIDE));
        float[] at30 = modelsOwn(raw, 30.0);
        float[] at90 = modelsOwn(raw, 90.0);
        int pixels = SIDE * SIDE;
        int classesChanged = 0;
        for (int p = 0; p < pixels; p++) {
            if ((at30[pixels + p] > at30[p]) != (at90[pixels + p] > at90[p])) {
                classesChanged++;
            }
        }
        assertTrue(classesChanged > pixels / 3, "the division decides the class of " + classesChanged + " pixels");

        JsonNode thirty = inferAt("30");
        assertEquals(30.0, thirty.at("/parameters/sun_elevation").asDouble(), "the answer says what it divided by");
        assertArrayEquals(at30, floats(thirty.at("/outputs/1/data")), 1e-6f);
        JsonNode classMap = thirty.at("/outputs/0/data");
        for (int p = 0; p < pixels; p++) {
            assertEquals(at30[pixels + p] > at30[p] ? 1 : 0, classMap.get(p).asInt(), "pixel " + p);
        }
        JsonNode overhead = inferAt("90.0");
        assertArrayEquals(at90, floats(overhead.at("/outputs/1/data")), 1e-6f);
        assertTrue(thirty.at("/parameters/class_fractions/0/cloud").asDouble()
                > overhead.at("/parameters/class_fractions/0/cloud").asDouble() + 0.3,
                thirty.get("parameters") + " at 30 degrees, " + overhead.get("parameters") + " at 90");
        // the same input, whatever the elevation
        assertEquals(overhead.at("/parameters/input_sha256/0"), thirty.at("/parameters/input_sha256/0"));
    }

    @Test
    void inferRefusesAnElevationThatIsNoNumberAboveTheHorizonWith400() throws Exception {
        String expected = ", expected the sun's elevation at the tiles in degrees above the horizon, from 1 to 90";
        Map<String, String> refused = Map.of(
                "\"high\"", "found a string", "\"30\"", "found a string", "0", "found 0", "0.99", "found 0.99",
                "95", "found 95", "90.001", "found 90.001", "null", "found null", "NaN", "found NaN",
                "[30]", "found an array", "{\"degrees\": 30}", "found an object");
        for (Map.Entry<String, String> value : refused.entrySet()) {
            assertError(400, "parameters.sun_elevation: " + value.getValue() + expected,
                    postJson(pixelRequest(value.getKey())));
        }
        assertError(400, "parameters: found a number, expected an object",
                postJson(pixelRequest("30").replace("{\"sun_elevation\": 30}", "30")));
        for (String accepted : List.of("90", "1", "1e1")) {
            HttpResponse<byte[]> response = postJson(pixelRequest(accepted));
            assertEquals(200, response.statusCode(), accepted + ": " + text(response));
        }
    }

    /**
     * A tile with a TIFFTAG_DATETIME and a CRS: the sun's elevation at its centre then is computed (NREL's SPA, here
     * by the test itself), and the answer is the one for that elevation given as ?sun_elevation=, not the one for 90.
     */
    @Test
    void aGeoTiffTileWithItsTimeAndPlaceGetsTheSunsElevationComputed() throws Exception {
        Path tile = Tiles.cut(Tiles.COG, new Window(256, 256, 256, 256), dir);
        double degrees = sunElevationAtCentre(tile);
        // USGS's SUN_ELEVATION at the centre of the whole Landsat scene, some kilometres away, at the same time
        assertEquals(64.7436, degrees, 1.0, "computed for the tile's centre");

        JsonNode computed = predict(tile, "");
        assertEquals(degrees, computed.get("sun_elevation").asDouble(), 1e-9, "the answer says what it computed");
        JsonNode given = predict(tile, "&sun_elevation=" + degrees);
        assertEquals(degrees, given.get("sun_elevation").asDouble(), 1e-9);
        assertEquals(given.get("class_map"), computed.get("class_map"));
        assertEquals(given.get("class_fractions"), computed.get("class_fractions"));
        JsonNode overhead = predict(tile, "&sun_elevation=90");
        assertNotEquals(overhead.get("class_map"), computed.get("class_map"));
        double cloud = computed.at("/class_fractions/cloud").asDouble();
        assertTrue(cloud > overhead.at("/class_fractions/cloud").asDouble() + 0.1, computed.get("class_fractions")
                + " at " + degrees + " degrees, " + overhead.get("class_fractions") + " at 90");
        // a degree less: a lower sun, more of the tile is cloud; the computed answer is not that one either
        JsonNode lower = predict(tile, "&sun_elevation=" + (degrees - 1));
        assertTrue(lower.at("/class_fractions/cloud").asDouble() > cloud, lower.get("class_fractions").toString());
    }

    @Test
    void aGeoTiffTileWithoutATimeIs422SayingToGiveTheElevationAndIsPredictedWithIt() throws Exception {
        Window window = new Window(256, 256, 256, 256);
        Path tile = Tiles.cut(SharedData.VARIANTS.resolve("l8_rgbn_no_datetime.tif"), window, dir);
        HttpResponse<byte[]> refused = http.postTiff("/v1/predict", tile);
        assertError(422, "tile.tif: sun-elevation: found none (no DATETIME tag to compute it from), expected the sun's "
                + "elevation at the scene in degrees (the model divides bands [B2, B3, B4, B5] by its sine), as the "
                + "query parameter ?sun_elevation=<degrees>", refused);
        assertEquals(model.id(), Http.json(refused).get("model_version").asText());

        JsonNode at45 = predict(tile, "&sun_elevation=45");
        JsonNode at90 = predict(tile, "&sun_elevation=90");
        // sin(45°) = 0.71: most of the tile is cloud; undivided (90°), little
        assertTrue(at45.at("/class_fractions/cloud").asDouble() > 0.6, at45.get("class_fractions").toString());
        assertTrue(at90.at("/class_fractions/cloud").asDouble() < 0.2, at90.get("class_fractions").toString());
        // the same values as the tile with a time, and with the same given elevation the same answer
        JsonNode timed = predict(Tiles.cut(Tiles.COG, window, dir), "&sun_elevation=45");
        assertEquals(timed.get("input_sha256"), at45.get("input_sha256"));
        assertEquals(timed.get("class_map"), at45.get("class_map"));

        // the prediction GeoTIFF too
        HttpResponse<byte[]> geoTiff = http.postTiff("/v1/predict?sun_elevation=45", tile, "Accept", "image/tiff");
        assertEquals(200, geoTiff.statusCode(), text(geoTiff));
        assertEquals("45.0", geoTiff.headers().firstValue("X-Sun-Elevation").orElse(null), "as the JSON answer says it");
        Path received = Files.write(dir.resolve("sun45.tif"), geoTiff.body());
        int[] classes = Tiles.band(received, new Window(0, 0, 256, 256), 1);
        for (int p = 0; p < classes.length; p++) {
            assertEquals(at45.at("/class_map/" + p / 256 + "/" + p % 256).asInt(), classes[p], "pixel " + p);
        }
    }

    /** A tile taken at night: the computed elevation is below the horizon, which no division can use. */
    @Test
    void aGeoTiffTileTakenAtNightIs422WithTheComputedElevation() throws Exception {
        Path tile = Tiles.withDateTime(Tiles.cut(Tiles.COG, new Window(0, 0, 64, 64), dir), "2015:08:04 04:19:21",
                dir.resolve("night.tif"));
        HttpResponse<byte[]> refused = http.postTiff("/v1/predict", tile);
        assertError(422, "tile.tif: sun-elevation: found -", refused);
        String error = Http.json(refused).get("error").asText();
        assertTrue(error.contains(" degrees (computed for 2015-08-04T04:19:21Z at the scene's centre, "), error);
        assertTrue(error.endsWith(", expected the sun's elevation at the scene in degrees above the horizon, from 1 to "
                + "90 (the model divides bands [B2, B3, B4, B5] by its sine), as the query parameter "
                + "?sun_elevation=<degrees>"), error);
        assertEquals(200, http.postTiff("/v1/predict?sun_elevation=45", tile).statusCode());
    }

    @Test
    void predictRefusesAnElevationThatIsNoNumberAboveTheHorizonWith400() throws Exception {
        Path tile = Tiles.cut(Tiles.COG, new Window(0, 0, 64, 64), dir);
        for (String value : List.of("abc", "", "0", "0.5", "-5", "95", "NaN", "Infinity", "45d", "0x1p5", "4%205",
                "%2045")) {
            String found = java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
            HttpResponse<byte[]> response = http.postTiff("/v1/predict?sun_elevation=" + value, tile);
            assertEquals(400, response.statusCode(), value + ": " + text(response));
            assertError(400, "query parameter sun_elevation: found \"" + found + "\", expected the sun's elevation "
                    + "at the tile in degrees above the horizon, from 1 to 90", response);
        }
        for (String value : List.of("90", "1", "45.25", "1e1")) {
            HttpResponse<byte[]> response = http.postTiff("/v1/predict?sun_elevation=" + value, tile);
            assertEquals(200, response.statusCode(), value + ": " + text(response));
        }
    }

    /** What the model itself gives for one {@code SIDE x SIDE} tile scaled for {@code sunElevation}. */
    private static float[] modelsOwn(float[] raw, double sunElevation) {
        try (TileModel tileModel = TileModel.load(model, ModelOptions.defaults())) {
            float[] probabilities = new float[2 * SIDE * SIDE];
            tileModel.predict(InputScaling.of(model.card().bands(), sunElevation), raw, 1, SIDE, SIDE, probabilities);
            return probabilities;
        }
    }

    /** An inference request for the tile at (256, 256) with {@code parameters.sun_elevation} written as given. */
    private static JsonNode inferAt(String sunElevation) throws Exception {
        float[] raw = Tiles.values(Tiles.COG, new Window(256, 256, SIDE, SIDE));
        Map<String, Object> request = OpenInferenceTest.inferRequest(null, raw, 1, SIDE, SIDE);
        String json = Http.JSON.writeValueAsString(request);
        HttpResponse<byte[]> response = postJson("{\"parameters\": {\"sun_elevation\": " + sunElevation + "}, "
                + json.substring(1));
        assertEquals(200, response.statusCode(), text(response));
        return Http.json(response);
    }

    /** A one-pixel request with {@code parameters.sun_elevation} written as given. */
    private static String pixelRequest(String sunElevation) {
        return "{\"parameters\": {\"sun_elevation\": " + sunElevation + "}, \"inputs\": [{\"name\": \"input\", "
                + "\"shape\": [1,4,1,1], \"datatype\": \"UINT16\", \"data\": [9000,9500,9800,16000]}]}";
    }

    private static HttpResponse<byte[]> postJson(String json) throws Exception {
        return http.post(infer, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).floatValue();
        }
        return values;
    }

    private static JsonNode predict(Path tile, String query) throws Exception {
        HttpResponse<byte[]> response = http.postTiff("/v1/predict?pixels=true" + query, tile);
        assertEquals(200, response.statusCode(), text(response));
        return Http.json(response);
    }

    /**
     * The sun's elevation at a tile's centre when its TIFFTAG_DATETIME (UTC) says it was taken, without refraction:
     * NREL's Solar Position Algorithm, as USGS gives a Landsat scene's SUN_ELEVATION.
     */
    private static double sunElevationAtCentre(Path tile) {
        try (RasterReader reader = RasterReader.open(tile.toString())) {
            RasterInfo info = reader.info();
            ZonedDateTime taken = LocalDateTime.parse(info.tiffDateTime().orElseThrow(),
                    DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss")).atZone(ZoneOffset.UTC);
            double[] lonLat = info.crs().toLonLat(info.transform().x(info.width() / 2.0, info.height() / 2.0),
                    info.transform().y(info.width() / 2.0, info.height() / 2.0));
            return 90 - SPA.calculateSolarPosition(taken, lonLat[1], lonLat[0], 0,
                    DeltaT.estimate(taken.toLocalDate())).zenithAngle();
        }
    }
}
