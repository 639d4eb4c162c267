package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tileinfer.core.TestModels;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tileinfer.api.PredictTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Open Inference Protocol v2 endpoints, with tensors read from the real Landsat 8 stack. */
class OpenInferenceTest {

    @TempDir
    static Path dir;
    static TestServer api;
    static String name;

    @BeforeAll
    static void start() throws Exception {
        api = TestServer.start(dir, settings -> settings);
        name = api.model.card().name();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void healthServerAndModelMetadataFollowTheProtocol() throws Exception {
        assertTrue(Http.json(api.http.get("/v2/health/live")).get("live").asBoolean());
        assertTrue(Http.json(api.http.get("/v2/health/ready")).get("ready").asBoolean());
        assertEquals("tileinfer", Http.json(api.http.get("/v2")).get("name").asText());

        for (String path : List.of("/v2/models/" + name, "/v2/models/" + name + "/versions/" + api.model.id())) {
            JsonNode metadata = Http.json(api.http.get(path));
            assertEquals(name, metadata.get("name").asText());
            assertEquals(api.model.id(), metadata.at("/versions/0").asText());
            assertEquals("input", metadata.at("/inputs/0/name").asText());
            assertEquals("UINT16", metadata.at("/inputs/0/datatype").asText());
            assertEquals("[-1,4,-1,-1]", metadata.at("/inputs/0/shape").toString());
            assertEquals("[-1,2,-1,-1]", metadata.at("/outputs/1/shape").toString());
            assertEquals("B2", metadata.at("/parameters/bands/0/name").asText());
            assertEquals("cloud", metadata.at("/parameters/classes/1/name").asText());
            for (JsonNode band : metadata.at("/parameters/bands")) { // so no parameters.sun_elevation is needed
                assertTrue(band.path("sun_angle_corrected").isBoolean(), band.toString());
                assertFalse(band.get("sun_angle_corrected").booleanValue(), band.toString());
            }
            assertTrue(Http.json(api.http.get(path + "/ready")).get("ready").asBoolean());
        }
        assertError(404, "unknown model \"other\": this server serves \"" + name + "\"",
                api.http.get("/v2/models/other"));
        assertError(404, "unknown version \"v9\" of model \"" + name + "\"",
                api.http.get("/v2/models/" + name + "/versions/v9/ready"));
        assertError(404, "no such endpoint", api.http.get("/v3"));
        HttpResponse<byte[]> wrongMethod = api.http.send(api.http.request("/v2/health/live")
                .DELETE().build());
        assertError(405, "this method is not allowed on /v2/health/live, expected GET or HEAD", wrongMethod);
        assertEquals("GET, HEAD", wrongMethod.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void inferGivesTheSameClassMapAndInputHashAsTheGeoTiffOfTheSameWindow() throws Exception {
        Window window = new Window(300, 200, 64, 48); // not square: padded like batch's edge tiles
        float[] values = Tiles.values(Tiles.COG, window);
        Map<String, Object> request = inferRequest("req-1", values, 1, 48, 64);
        HttpResponse<byte[]> response = api.http.postJson("/v2/models/" + name + "/infer", request);
        assertEquals(200, response.statusCode(), new String(response.body()));
        JsonNode body = Http.json(response);
        assertEquals("req-1", body.get("id").asText());
        assertEquals(api.model.id(), body.get("model_version").asText());
        JsonNode classMap = body.at("/outputs/0");
        assertEquals("class_map", classMap.get("name").asText());
        assertEquals("[1,48,64]", classMap.get("shape").toString());
        JsonNode probabilities = body.at("/outputs/1");
        assertEquals("[1,2,48,64]", probabilities.get("shape").toString());
        assertEquals(2 * 48 * 64, probabilities.get("data").size());

        JsonNode geoTiff = Http.json(api.http.postTiff("/v1/predict?pixels=true", Tiles.cut(Tiles.COG, window, dir)));
        assertEquals(geoTiff.get("input_sha256").asText(), body.at("/parameters/input_sha256/0").asText());
        assertEquals(geoTiff.get("class_fractions"), body.at("/parameters/class_fractions/0"));
        for (int p = 0; p < 48 * 64; p++) {
            assertEquals(geoTiff.at("/class_map/" + p / 64 + "/" + p % 64).asInt(), classMap.get("data").get(p).asInt());
            float clear = probabilities.get("data").get(p).floatValue();
            float cloud = probabilities.get("data").get(48 * 64 + p).floatValue();
            assertEquals(1.0f, clear + cloud, 1e-5f);
            assertEquals(cloud > clear ? 1 : 0, classMap.get("data").get(p).asInt());
        }
    }

    @Test
    void aBatchOfTilesAndTheVersionedPathGiveEachTileItsOwnResult() throws Exception {
        float[] first = Tiles.values(Tiles.COG, new Window(0, 0, 32, 32));
        float[] second = Tiles.values(Tiles.COG, new Window(400, 400, 32, 32));
        float[] both = new float[first.length * 2];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        Map<String, Object> request = inferRequest(null, both, 2, 32, 32);
        request.put("outputs", List.of(Map.of("name", "class_map")));
        JsonNode body = Http.json(api.http.postJson("/v2/models/" + name + "/versions/" + api.model.id()
                + "/infer", request));
        assertEquals(1, body.get("outputs").size());
        assertEquals("[2,32,32]", body.at("/outputs/0/shape").toString());
        assertEquals(body.get("request_id").asText(), body.get("id").asText());
        JsonNode alone = Http.json(api.http.postJson("/v2/models/" + name + "/infer",
                inferRequest(null, second, 1, 32, 32)));
        assertEquals(alone.at("/parameters/input_sha256/0"), body.at("/parameters/input_sha256/1"));
        for (int p = 0; p < 32 * 32; p++) {
            assertEquals(alone.at("/outputs/0/data/" + p), body.at("/outputs/0/data/" + (32 * 32 + p)));
        }
    }

    /**
     * The model's bands are not corrected for the sun angle: a request's parameters.sun_elevation changes nothing (at
     * 20 degrees, a corrected model would call this whole tile cloud), and is checked all the same.
     */
    @Test
    void aSunElevationChangesNothingForAModelWithoutCorrectedBands() throws Exception {
        String infer = "/v2/models/" + name + "/infer";
        Map<String, Object> request = inferRequest(null, Tiles.values(Tiles.COG, new Window(256, 256, 32, 32)), 1, 32,
                32);
        JsonNode without = Http.json(api.http.postJson(infer, request));
        request.put("parameters", Map.of("sun_elevation", 20));
        HttpResponse<byte[]> response = api.http.postJson(infer, request);
        assertEquals(200, response.statusCode(), new String(response.body()));
        JsonNode with = Http.json(response);
        assertEquals(without.get("outputs"), with.get("outputs"));
        assertEquals(without.at("/parameters/class_fractions"), with.at("/parameters/class_fractions"));
        assertTrue(with.at("/parameters/class_fractions/0/clear").asDouble() > 0.8, with.toString());
        request.put("parameters", Map.of("sun_elevation", 95));
        assertError(400, "parameters.sun_elevation: found 95, expected the sun's elevation at the tiles in degrees "
                + "above the horizon, from 1 to 90", api.http.postJson(infer, request));
    }

    /** A tensor has no file to name its nodata: the card's (Landsat Level-1 fill) is masked, as batch masks it. */
    @Test
    void theCardsNodataIsNoPredictionInATensor(@TempDir Path other) throws Exception {
        Path registry = Files.createDirectories(other.resolve("models"));
        String fill = TestModels.brightnessOverFill(registry, "production").card().name();
        ApiServer server = ApiServer.start(registry, "production", ApiSettings.defaults());
        try {
            Http http = new Http(server.port());
            assertEquals(0, Http.json(http.get("/v2/models/" + fill)).at("/parameters/bands/3/nodata").asInt());
            float[] values = Tiles.values(Tiles.COG, new Window(0, 0, 32, 32));
            for (int band = 0; band < 4; band++) { // the first 8 rows are fill in every band, one more pixel in one
                Arrays.fill(values, band * 32 * 32, band * 32 * 32 + 8 * 32, 0);
            }
            values[2 * 32 * 32 + 20 * 32 + 5] = 0; // band 3 alone at pixel (5, 20): any band at nodata, as batch
            JsonNode body = Http.json(http.postJson("/v2/models/" + fill + "/infer",
                    inferRequest(null, values, 1, 32, 32)));
            JsonNode classMap = body.at("/outputs/0/data");
            JsonNode probabilities = body.at("/outputs/1/data");
            for (int p = 0; p < 32 * 32; p++) {
                boolean nodata = p < 8 * 32 || p == 20 * 32 + 5;
                assertEquals(nodata, classMap.get(p).asInt() == 255, "pixel " + p + ": " + classMap.get(p));
                double sum = probabilities.get(p).asDouble() + probabilities.get(32 * 32 + p).asDouble();
                assertEquals(nodata ? 0 : 1, sum, 1e-5, "no prediction, no probability: pixel " + p);
            }
            // a tile of fill alone: never given to the model, 0 everywhere, asked for its probabilities only
            Map<String, Object> fillOnly = inferRequest(null, new float[4 * 2 * 3], 1, 2, 3);
            fillOnly.put("outputs", List.of(Map.of("name", "probabilities")));
            HttpResponse<byte[]> allFill = http.postJson("/v2/models/" + fill + "/infer", fillOnly);
            assertEquals(200, allFill.statusCode(), new String(allFill.body()));
            JsonNode zeros = Http.json(allFill).at("/outputs/0/data");
            assertEquals(2 * 2 * 3, zeros.size());
            zeros.forEach(value -> assertEquals(0, value.asDouble()));
        } finally {
            server.shutdown();
        }
    }

    @Test
    void refusesRequestsThatDoNotFitTheProtocolOrTheModel() throws Exception {
        String infer = "/v2/models/" + name + "/infer";
        assertError(400, "the body is not valid JSON: line 1, column 13: ", raw(infer, "{\"inputs\": [}"));
        // Jackson's nesting limit fails with no location in the text
        assertError(400, "the body is not valid JSON: Document nesting depth",
                raw(infer, "{\"extension\": " + "[".repeat(5000) + "]".repeat(5000) + "}"));
        assertError(400, "the body is not valid JSON: line 1, column 24: Duplicate field 'inputs'",
                raw(infer, "{\"inputs\": [], \"inputs\": []}"));
        assertError(400, "inputs: missing", raw(infer, "{}"));
        // thin tiles: the limit counts each as the square it runs as, and the message says so
        assertError(422, "inputs[0].shape: found [1100, 4, 1, 100]: 1100 tiles of 1 x 100 pixels, each run as a "
                + "square of 100 x 100, expected at most 1024 x 1024 pixels in all",
                raw(infer, tensor("[1100,4,1,100]", "UINT16", "[" + "0,".repeat(440_000 - 1) + "0]")));
        assertError(400, "inputs[0].data: found 3 values, expected 4 for the shape [1, 4, 1, 1]",
                raw(infer, tensor("[1,4,1,1]", "UINT16", "[1,2,3]")));
        assertError(400, "inputs[0].data[3]: found 70000, expected integers in [0, 65535] for UINT16",
                raw(infer, tensor("[1,4,1,1]", "UINT16", "[1,2,3,70000]")));
        assertError(400, "inputs[0].data[2]: found -5, expected integers in [0, 65535] for UINT16",
                raw(infer, tensor("[1,4,1,1]", "UINT16", "[1,2,-5,70000]")));
        assertError(400, "inputs[0].data[3]: found 4.5, expected integers in [0, 65535] for UINT16",
                raw(infer, tensor("[1,4,1,1]", "UINT16", "[1,2,3,4.5]")));
        assertError(400, "inputs[0].data[1]: found 1.0E39, expected finite numbers in [-3.4028235E38, 3.4028235E38]"
                + " for FP32", raw(infer, tensor("[1,4,1,1]", "FP32", "[1,1e39,3,4]")));
        assertError(400, "inputs[0].data[0]: found 2147483648, expected integers in [-2147483648, 2147483647] for "
                + "INT32", raw(infer, tensor("[1,4,1,1]", "INT32", "[2147483648,1,2,3]")));
        // the 64-bit types are judged on the number as written, not on the double it rounds to
        assertError(400, "inputs[0].data[1]: found 9223372036854775808, expected integers in [-9223372036854775808, "
                + "9223372036854775807] for INT64", raw(infer, tensor("[1,4,1,1]", "INT64",
                "[9223372036854775807,9223372036854775808,2,3]")));
        assertError(400, "inputs[0].data[0]: found 18446744073709551616, expected integers in [0, "
                + "18446744073709551615] for UINT64", raw(infer, tensor("[1,4,1,1]", "UINT64",
                "[18446744073709551616,1,2,3]")));
        assertError(422, "inputs[0].data[0]: found 9223372036854775808, expected integers in [0, 65535]: the model "
                + "takes uint16", raw(infer, tensor("[1,4,1,1]", "UINT64", "[9223372036854775808,1,2,3]")));
        assertError(400, "inputs[0].shape: found [4294967296, 10, 1, 1], which is too large: it holds more than "
                + "2147483647 values", raw(infer, tensor("[4294967296,10,1,1]", "UINT16", "[1]")));
        assertError(400, "inputs[0].data[2]: found a string, expected a number",
                raw(infer, tensor("[1,4,1,1]", "FP32", "[1,2,\"x\",4]")));
        assertError(400, "inputs[0].datatype: found \"BYTES\"", raw(infer, tensor("[1,4,1,1]", "BYTES", "[1,2,3,4]")));
        assertError(400, "outputs: the model has no output \"logits\"", raw(infer, "{\"inputs\": ["
                + tensorObject("[1,4,1,1]", "FP32", "[1,2,3,4]") + "], \"outputs\": [{\"name\": \"logits\"}]}"));
        assertError(400, "outputs[0].parameters: found an array, expected an object", raw(infer, "{\"inputs\": ["
                + tensorObject("[1,4,1,1]", "FP32", "[1,2,3,4]") + "], \"outputs\": [{\"name\": \"class_map\", "
                + "\"parameters\": [null]}]}"));
        assertError(400, "inputs[0].parameters: found null, expected an object", raw(infer, "{\"inputs\": [{"
                + "\"name\": \"input\", \"shape\": [1,4,1,1], \"datatype\": \"FP32\", \"parameters\": null, "
                + "\"data\": [1,2,3,4]}]}"));
        HttpResponse<byte[]> withParameters = raw(infer, "{\"parameters\": {}, \"inputs\": ["
                + tensorObject("[1,4,1,1]", "FP32", "[1,2,3,4]") + "], \"outputs\": [{\"name\": \"class_map\", "
                + "\"parameters\": {\"binary_data\": false}}]}");
        assertEquals(200, withParameters.statusCode(), new String(withParameters.body()));
        assertError(422, "inputs[0].shape: found [1, 3, 1, 1], expected [N, 4, H, W]",
                raw(infer, tensor("[1,3,1,1]", "FP32", "[1,2,3]")));
        assertError(422, "inputs[0].shape: found [1, 4, 1, 2000], expected H and W of at most 1024 pixels",
                raw(infer, tensor("[1,4,1,2000]", "UINT8", "[" + "0,".repeat(7999) + "0]")));
        assertError(415, "Content-Type text/plain is not accepted here", api.http.send(api.http.request(infer)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build()));
    }

    /** KServe and Triton take data nested as the shape too: the same values give the same answer. */
    @Test
    void nestedDataAsTheShapeGivesTheSameAnswerAsFlatData() throws Exception {
        float[] values = Tiles.values(Tiles.COG, new Window(100, 50, 24, 16));
        Map<String, Object> flat = inferRequest(null, values, 1, 16, 24);
        int[][][][] rows = new int[1][4][16][24];
        for (int i = 0; i < values.length; i++) {
            rows[0][i / (16 * 24)][i / 24 % 16][i % 24] = (int) values[i];
        }
        Map<String, Object> nested = Map.of("inputs", List.of(Map.of("name", "input", "shape", List.of(1, 4, 16, 24),
                "datatype", "UINT16", "data", rows)));
        JsonNode fromFlat = Http.json(api.http.postJson("/v2/models/" + name + "/infer", flat));
        HttpResponse<byte[]> response = api.http.postJson("/v2/models/" + name + "/infer", nested);
        assertEquals(200, response.statusCode(), new String(response.body()));
        JsonNode fromNested = Http.json(response);
        assertEquals(fromFlat.get("parameters"), fromNested.get("parameters"));
        assertEquals(fromFlat.get("outputs"), fromNested.get("outputs"));
    }

    /** Nested data whose nesting is not the shape is refused, even with the right number of values. */
    @Test
    void refusesNestedDataThatIsNotAsTheShape() throws Exception {
        String infer = "/v2/models/" + name + "/infer";
        String shape = ": the nested data of input \"input\" must have its shape [1, 4, 1, 2], or be flat";
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("[[[[1,2,3]],[[4]],[[5,6]],[[7,8]]]]", "inputs[0].data[0][0][0]: found 3 values, expected 2");
        refused.put("[[[[1,2]],[[3,4]],[[5,6]],[[7,8,9]]]]", "inputs[0].data[0][3][0]: found 3 values, expected 2");
        refused.put("[[[[1],[2]],[[3],[4]],[[5],[6]],[[7],[8]]]]", "inputs[0].data[0][0][0]: found 1 value, expected 2");
        refused.put("[[[[1,2],[3,4]],[[5,6]],[[7,8]],[[9,10]]]]", "inputs[0].data[0][0]: found 2 arrays, expected 1");
        refused.put("[[[[1,2]],[[3,4]],[[5,6]],[[7,8]]],[[[9,10]]]]", "inputs[0].data: found 2 arrays, expected 1");
        refused.put("[[[1,2],[3,4],[5,6],[7,8]]]", "inputs[0].data[0][0][0]: found a number, expected an array of 2 "
                + "values");
        refused.put("[[[[1,[2]]],[[3,4]],[[5,6]],[[7,8]]]]", "inputs[0].data[0][0][0][1]: found an array, expected a "
                + "number");
        refused.put("[[[[1,2]],[[3,4]],[[5,6]],[[7,8]]],9]", "inputs[0].data: found 2 entries, expected 1 array");
        for (Map.Entry<String, String> data : refused.entrySet()) {
            assertError(400, data.getValue() + shape, raw(infer, tensor("[1,4,1,2]", "UINT16", data.getKey())));
        }
        // the shape after the data: checked all the same, once it is known
        assertError(400, "inputs[0].data[0]: found 3 arrays, expected 4" + shape.replace("1, 4, 1, 2", "1, 4, 1, 1"),
                raw(infer, "{\"inputs\": [{\"name\": \"input\", \"data\": [[[[1]],[[2]],[[3]]]], \"datatype\": "
                        + "\"UINT16\", \"shape\": [1,4,1,1]}]}"));
        assertError(400, "inputs[0].data[2]: found an array after numbers, expected a number: send the values flat, "
                + "or nested as the tensor's shape", raw(infer, tensor("[1,4,1,2]", "UINT16", "[1,2,[3,4],5,6,7,8]")));
        HttpResponse<byte[]> asTheShape = raw(infer, tensor("[1,4,1,2]", "UINT16",
                "[[[[1,2]],[[3,4]],[[5,6]],[[7,8]]]]"));
        assertEquals(200, asTheShape.statusCode(), new String(asTheShape.body()));
        // the check needs the body's byte offsets, which Jackson has for UTF-8 only: other encodings are refused
        String misnested = tensor("[1,4,1,1]", "UINT16", "[[[[1,2,3,4]]]]");
        for (Charset charset : List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16,
                Charset.forName("UTF-32"))) {
            assertError(400, "the body is UTF-16 or UTF-32, expected UTF-8", api.http.post(infer,
                    "application/json", misnested.getBytes(charset)));
        }
        assertError(400, "inputs[0].data[0][0][0]: found 4 values, expected 1", raw(infer, misnested));
    }

    /** The response is JSON: a client that takes none gets a 406 saying so, rather than JSON it did not ask for. */
    @Test
    void answersOnlyAClientThatTakesJson() throws Exception {
        String infer = "/v2/models/" + name + "/infer";
        String request = tensor("[1,4,1,1]", "UINT16", "[1,2,3,4]");
        for (String accept : List.of("application/json", "*/*", "application/*", "application/problem+json",
                "text/csv, */*;q=0.1", "*/*;q=0, application/json", "application/ld+json",
                "application/json ; q=1", "application/json, ")) { // spaces and empty elements, as RFC 9110 allows
            HttpResponse<byte[]> response = raw(infer, request, "Accept", accept);
            assertEquals(200, response.statusCode(), accept + ": " + new String(response.body()));
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        }
        String cannot = " cannot be served, expected application/json (the inference response)";
        for (String accept : List.of("text/csv", "image/tiff, text/*", "application/json;q=0",
                "*/*;q=0.5, application/json;q=0", "application/*;q=0, text/html",
                "application/json;q=0, application/ld+json")) {
            assertError(406, "Accept: " + accept + cannot, raw(infer, request, "Accept", accept));
        }
        assertError(400, "Accept: nonsense cannot be read", raw(infer, request, "Accept", "nonsense"));
        // Helidon reads a range's q only when asked: a 400 too, not a 500 from the first comparison
        for (String unreadable : List.of("application/json;q=abc", "application/json;q=1.5", "application/json;q=NaN",
                "application/json;q=-1", "application/json;q=", "application/json;q=;charset=utf-8")) {
            assertError(400, "Accept: " + unreadable + " cannot be read", raw(infer, request, "Accept", unreadable));
        }
        // RFC 9110, 5.6.6: empty parameters are allowed
        for (String refusing : List.of("application/json;;q=0", "application/json;q=0;", "application/json ; ; q=0")) {
            assertError(406, "Accept: " + refusing + cannot, raw(infer, request, "Accept", refusing));
        }
    }

    @Test
    void refusesValuesTheModelsInputTypeCannotHoldWhateverTheDatatype() throws Exception {
        String infer = "/v2/models/" + name + "/infer";
        String uint16 = ", expected integers in [0, 65535]: the model takes uint16 band values (its card's data type)";
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("FP32 [1,2,3,1e25]", "inputs[0].data[3]: found 1.0E25" + uint16);
        refused.put("FP32 [1e15,2,3,4]", "inputs[0].data[0]: found 1000000000000000" + uint16);
        refused.put("FP32 [1,1e20,1e25,4]", "inputs[0].data[1]: found 1.0E20" + uint16);
        refused.put("FP32 [1,2,4.5,4]", "inputs[0].data[2]: found 4.5" + uint16);
        refused.put("FP32 [1,2,3,NaN]", "inputs[0].data[3]: found NaN" + uint16);
        refused.put("FP32 [1,-Infinity,3,4]", "inputs[0].data[1]: found -Infinity" + uint16);
        refused.put("FP64 [1,2,1e300,4]", "inputs[0].data[2]: found 1.0E300" + uint16);
        refused.put("FP64 [1,2,3,Infinity]", "inputs[0].data[3]: found Infinity" + uint16);
        refused.put("INT32 [1,-2000000000,3,4]", "inputs[0].data[1]: found -2000000000" + uint16);
        refused.put("INT16 [1,2,3,-1]", "inputs[0].data[3]: found -1" + uint16);
        refused.put("UINT32 [70000,2,3,4]", "inputs[0].data[0]: found 70000" + uint16);
        for (Map.Entry<String, String> request : refused.entrySet()) {
            String[] datatypeAndData = request.getKey().split(" ");
            assertError(422, request.getValue(), raw(infer, tensor("[1,4,1,1]", datatypeAndData[0],
                    datatypeAndData[1])));
        }
        HttpResponse<byte[]> inRange = raw(infer, tensor("[1,4,1,1]", "FP64", "[0,65535.0,9000,1e3]"));
        assertEquals(200, inRange.statusCode(), new String(inRange.body()));
        assertTrue(Http.json(inRange).at("/outputs/1/data/0").isNumber());
    }

    @Test
    void aModelThatGivesNaNProbabilitiesGets500WithNoClassAndIsCountedAsSuch(@TempDir Path other) throws Exception {
        Path registry = Files.createDirectories(other.resolve("models"));
        TestModels.overflowing(registry, "production"); // 65535 in each band: its logits overflow, its softmax NaN
        try (ApiServer server = ApiServer.start(registry, "production", ApiSettings.defaults())) {
            Http http = new Http(server.port());
            HttpResponse<byte[]> response = http.send(http.request("/v2/models/overflow-test/infer")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            tensor("[1,4,1,1]", "UINT16", "[65535,65535,65535,65535]"))).build());
            assertError(500, "the model gave a probability of NaN for class 0 at pixel (0, 0) of tile 0 of the "
                    + "request, expected a finite number: no class map or fractions are given from it", response);
            assertFalse(new String(response.body(), StandardCharsets.UTF_8).contains("class_fractions"));
            String metrics = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
            assertTrue(metrics.contains("tileinfer_api_failures_total{cause=\"model_output\","
                    + "endpoint=\"/v2/models/{name}/infer\"} 1.0"), metrics);
            assertTrue(metrics.contains("tileinfer_api_requests_seconds_count{endpoint=\"/v2/models/{name}/infer\","
                    + "method=\"POST\",status=\"500\"} 1"), metrics);
        }
    }

    private static HttpResponse<byte[]> raw(String path, String json, String... headers) throws Exception {
        return api.http.post(path, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static String tensor(String shape, String datatype, String data) {
        return "{\"inputs\": [" + tensorObject(shape, datatype, data) + "]}";
    }

    private static String tensorObject(String shape, String datatype, String data) {
        return "{\"name\": \"input\", \"shape\": " + shape + ", \"datatype\": \"" + datatype + "\", \"data\": "
                + data + "}";
    }

    static Map<String, Object> inferRequest(String id, float[] values, int n, int height, int width) {
        int[] integers = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            integers[i] = (int) values[i];
        }
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("name", "input");
        input.put("shape", List.of(n, 4, height, width));
        input.put("datatype", "UINT16");
        input.put("data", integers);
        Map<String, Object> request = new LinkedHashMap<>();
        if (id != null) {
            request.put("id", id);
        }
        request.put("inputs", List.of(input));
        return request;
    }
}
