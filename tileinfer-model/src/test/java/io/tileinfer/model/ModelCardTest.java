package io.tileinfer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCardTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsThroughJson() {
        ModelCard card = new ModelCard("l8-cloudmask", "l8-cloudmask-0123456789ab", List.of("semantic-segmentation"),
                "onnxruntime", "1.29.0",
                List.of(new BandSpec("B1", "coastal", 2.0E-5, -0.1, 0.0), new BandSpec("B10", "lwir11", 3.342E-4, 0.1),
                        new BandSpec("X", null, 1 / 3.0, Math.PI)),
                "uint16", List.of(-1L, 3L, -1L, -1L),
                List.of(new ClassSpec(0, "clear", "#1f77b4"), new ClassSpec(1, "cloud", "#FFFFFF")), 256, 0,
                List.of(new TrainingFile("B1.tif", "00".repeat(32))), 42,
                Map.of("architecture", "quadratic logistic regression", "epochs", 10, "learningRate", 0.5,
                        "features", List.of("a", "b"), "nested", Map.of("z", 1L, "a", 2.5, "flag", true)),
                Map.of("model", Map.of("f1", 0.91, "iou", 0.83), "heldOutPixels", 123_456L),
                Map.of("tribuo", "4.3.2", "onnxruntime", "1.29.0"));

        Path file = dir.resolve("card.json");
        card.write(file);

        assertEquals(card, ModelCard.read(file));
        assertEquals(card.withVersion(null), readBack(card.withVersion(null)));
    }

    @Test
    void writesTheStacMlmFields() throws Exception {
        Path file = dir.resolve("card.json");
        Cards.twoBandTwoClass().write(file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());

        assertEquals("tiny", json.get("mlm:name").asText());
        assertEquals("1x1 conv + softmax", json.get("mlm:architecture").asText());
        assertEquals("semantic-segmentation", json.get("mlm:tasks").get(0).asText());
        assertEquals("onnxruntime", json.get("mlm:framework").asText());
        JsonNode input = json.get("mlm:input").get(0);
        assertEquals("[\"B4\",\"B5\"]", input.get("bands").toString());
        assertEquals("[-1,2,-1,-1]", input.get("input").get("shape").toString());
        assertEquals("[\"batch\",\"channel\",\"height\",\"width\"]", input.get("input").get("dim_order").toString());
        assertEquals("float32", input.get("input").get("data_type").asText());
        assertEquals("A * 0.5 + 1.0", input.get("value_scaling").get(0).get("expression").asText());
        JsonNode output = json.get("mlm:output").get(0);
        assertEquals("[-1,2,-1,-1]", output.get("result").get("shape").toString());
        assertEquals("ffffff", output.get("classification:classes").get(1).get("color_hint").asText());
        assertEquals("red", json.get("bands").get(0).get("eo:common_name").asText());
        assertEquals("uint16", json.get("bands").get(0).get("data_type").asText());
        assertEquals(16, json.get("tileinfer:tile_size").asInt());
        assertTrue(json.get("tileinfer:version").isNull());
        assertFalse(json.get("tileinfer:hyper_parameters").has("architecture"));
    }

    @Test
    void readsTheOtherLinearMlmScalings() throws Exception {
        Path file = dir.resolve("card.json");
        Cards.twoBandTwoClass().write(file);
        String json = Files.readString(file)
                .replace("{\n      \"type\" : \"processing\",\n      \"format\" : \"gdal-calc\",\n"
                        + "      \"expression\" : \"A * 0.5 + 1.0\"\n    }",
                        "{\"type\": \"z-score\", \"mean\": 100, \"stddev\": 50}")
                .replace("{\n      \"type\" : \"processing\",\n      \"format\" : \"gdal-calc\",\n"
                        + "      \"expression\" : \"A * 1.0 + 0.0\"\n    }",
                        "{\"type\": \"min-max\", \"minimum\": 0, \"maximum\": 10000}");
        Files.writeString(file, json);

        List<BandSpec> bands = ModelCard.read(file).bands();

        assertEquals(new BandSpec("B4", "red", 1 / 50.0, -2), bands.get(0));
        assertEquals(new BandSpec("B5", "nir08", 1 / 10000.0, 0), bands.get(1));
    }

    /**
     * A sun-angle-corrected band's scaling is MLM's gdal-calc expression with the division: written, read back, and
     * refused when it is neither form (a reader that took only "A * s + o" would feed the model uncorrected values).
     */
    @Test
    void aSunAngleCorrectedBandIsItsScalingDividedBySinSunElevation() throws Exception {
        Path file = dir.resolve("card.json");
        ModelCard card = Cards.twoBandTwoClass();
        List<BandSpec> corrected = List.of(new BandSpec("B4", "red", 2.0E-5, -0.1, 0.0, true), card.bands().get(1));
        new ModelCard(card.name(), null, card.tasks(), card.framework(), card.frameworkVersion(), corrected,
                card.inputDataType(), card.inputShape(), card.classes(), card.tileSize(), card.halo(),
                card.trainingData(), card.seed(), card.hyperParameters(), card.metrics(), card.libraryVersions())
                .write(file);
        JsonNode scaling = new ObjectMapper().readTree(file.toFile()).get("mlm:input").get(0).get("value_scaling");
        assertEquals("(A * 2.0E-5 + -0.1) / sin(radians(sun_elevation))", scaling.get(0).get("expression").asText());
        assertEquals("A * 1.0 + 0.0", scaling.get(1).get("expression").asText());
        assertEquals(corrected, ModelCard.read(file).bands());
        assertTrue(ModelCard.read(file).bands().getFirst().sunAngleCorrected());

        ModelException error = refusedEdit(json -> json.replace("A * 0.5 + 1.0", "(A * 0.5 + 1.0) / cos(sza)"));
        assertEquals(dir.resolve("card.json") + ": mlm:input[0].value_scaling[0].expression: expected a linear "
                + "expression \"A * SCALE + OFFSET\", or \"(A * SCALE + OFFSET) / sin(radians(sun_elevation))\" for "
                + "reflectance corrected for the sun angle, found \"(A * 0.5 + 1.0) / cos(sza)\"", error.getMessage());
    }

    @Test
    void aBandsNodataIsStacsAndMustBeAValueOfTheBandsType() throws Exception {
        Path file = dir.resolve("card.json");
        ModelCard card = Cards.twoBandTwoClass();
        List<BandSpec> filled = card.bands().stream()
                .map(b -> new BandSpec(b.name(), b.commonName(), b.scale(), b.offset(), 0.0)).toList();
        new ModelCard(card.name(), null, card.tasks(), card.framework(), card.frameworkVersion(), filled,
                card.inputDataType(), card.inputShape(), card.classes(), card.tileSize(), card.halo(),
                card.trainingData(), card.seed(), card.hyperParameters(), card.metrics(), card.libraryVersions())
                .write(file);
        assertEquals(0, new ObjectMapper().readTree(file.toFile()).get("bands").get(1).get("nodata").asInt());
        assertEquals(filled, ModelCard.read(file).bands());

        Cards.twoBandTwoClass().write(file);
        assertFalse(new ObjectMapper().readTree(file.toFile()).get("bands").get(0).has("nodata"), "none: no key");
        for (String nodata : new String[]{"70000", "-1", "0.5", "\"zero\""}) {
            ModelException error = refusedEdit(json -> json.replaceFirst("\"data_type\" : \"uint16\"",
                    "\"data_type\" : \"uint16\", \"nodata\": " + nodata));
            assertEquals(dir.resolve("card.json") + ": bands[0].nodata: expected a number that a uint16 pixel can "
                    + "have, a whole number in [0, 65535], found " + nodata, error.getMessage());
        }
    }

    @Test
    void namesTheFieldThatIsWrong() throws Exception {
        ModelException error = refusedEdit(card -> card.replace("\"channel\"", "\"band\""));

        assertEquals(dir.resolve("card.json") + ": mlm:input[0].input.dim_order: expected [batch, channel, height, "
                + "width], found [\"batch\",\"band\",\"height\",\"width\"]", error.getMessage());
    }

    /** The stored card names the ONNX graph's tensors: another exporter's "x" and "y" are kept, and in the id. */
    @Test
    void keepsTheTensorNames() throws Exception {
        ModelCard card = Cards.withTensorNames(Cards.twoBandTwoClass(), new TensorNames("x", "y"));
        Path file = dir.resolve("card.json");
        card.write(file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());

        assertEquals("x", json.get("mlm:input").get(0).get("name").asText());
        assertEquals("y", json.get("mlm:output").get(0).get("name").asText());
        assertEquals(card, ModelCard.read(file));
        byte[] onnx = {1, 2, 3};
        assertNotEquals(ModelRegistry.versionId(onnx, Cards.twoBandTwoClass()), ModelRegistry.versionId(onnx, card));
    }

    /** A result shape of other classes than the card's would be stored as the right one, under a right card's id. */
    @Test
    void refusesAnOutputResultThatDisagreesWithTheClasses() throws Exception {
        ModelException error = refusedTreeEdit(card -> shape(card, "mlm:output", "result").set(1, 7));
        assertEquals(dir.resolve("card.json") + ": mlm:output[0].result.shape: expected [-1, 2, -1, -1] (batch, one "
                + "channel per class of classification:classes, the height and width of mlm:input's shape), found "
                + "[-1,7,-1,-1]", error.getMessage());

        ModelException fixed = refusedTreeEdit(card -> shape(card, "mlm:output", "result").set(2, 64));
        assertTrue(fixed.getMessage().endsWith("found [-1,2,64,-1]"), fixed.getMessage());
        ModelException dataType = refusedTreeEdit(card -> ((ObjectNode) card.get("mlm:output").get(0).get("result"))
                .put("data_type", "uint8"));
        assertEquals(dir.resolve("card.json") + ": mlm:output[0].result.data_type: expected float32, found \"uint8\"",
                dataType.getMessage());

        // -1 stands for the input's fixed side, which the stored card then says
        Path file = dir.resolve("card.json");
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(CardJson.toBytes(Cards.twoBandTwoClass()));
        shape(root, "mlm:input", "input").set(2, 16).set(3, 16);
        new ObjectMapper().writeValue(file.toFile(), root);
        assertEquals(List.of(-1L, 2L, 16L, 16L), ModelCard.read(file).inputShape());
    }

    /** A band field tileinfer does not read ("scale", "offset") would be dropped and the model fed raw values. */
    @Test
    void refusesBandKeysItWouldNotApply() throws Exception {
        for (String key : List.of("scale", "offset", "no_data", "raster:scale", "raster:offset", "raster:nodata")) {
            ModelException error = refusedTreeEdit(card -> ((ObjectNode) card.get("bands").get(1)).put(key, 0));
            assertEquals(dir.resolve("card.json") + ": bands[1]." + key + ": expected one of [data_type, description, "
                    + "eo:common_name, name, nodata, statistics, unit] or an extension's field that describes the band "
                    + "(unknown key: tileinfer would not apply it; the scaling goes in mlm:input's value_scaling, "
                    + "nodata in the band's nodata), found 0", error.getMessage());
        }
        ModelException computed = refusedTreeEdit(card -> ((ArrayNode) card.get("mlm:input").get(0).get("bands"))
                .set(0, new ObjectMapper().createObjectNode().put("name", "B4").put("expression", "B4 * 2")));
        assertEquals(dir.resolve("card.json") + ": mlm:input[0].bands[0].expression: expected one of [name] (unknown "
                + "key: tileinfer reads each band from its file and computes none), found \"B4 * 2\"",
                computed.getMessage());
    }

    /** STAC's fields that only describe a band, as third-party cards carry them, are read past. */
    @Test
    void readsPastBandFieldsThatOnlyDescribe() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(CardJson.toBytes(Cards.twoBandTwoClass()));
        ((ObjectNode) root.get("bands").get(0)).put("description", "red, 30 m").put("eo:center_wavelength", 0.65)
                .put("eo:full_width_half_max", 0.04).put("unit", "DN");
        Path file = dir.resolve("card.json");
        json.writeValue(file.toFile(), root);
        assertEquals(Cards.twoBandTwoClass().bands(), ModelCard.read(file).bands());
    }

    @Test
    void refusesAShapeThatDisagreesWithTheBands() {
        ModelCard card = Cards.twoBandTwoClass();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new ModelCard(
                card.name(), null, card.tasks(), card.framework(), card.frameworkVersion(), card.bands(),
                card.inputDataType(), List.of(-1L, 3L, -1L, -1L), card.classes(), card.tileSize(), card.halo(),
                card.trainingData(), card.seed(), card.hyperParameters(), card.metrics(), card.libraryVersions()));
        assertTrue(error.getMessage().contains("with 2 channels"), error.getMessage());
    }

    /** The class map holds the winning output channel: a class's value is its position, else every label lies. */
    @Test
    void refusesClassValuesThatAreNotTheirOutputChannels() throws Exception {
        ModelException error = refusedEdit(card -> card.replaceFirst("\"value\"\\s*:\\s*0", "\"value\": 2"));

        assertEquals(dir.resolve("card.json") + ": class clear (number 1 of the output's classes): value 2, expected "
                + "0: a class's value is its channel in the model's output, 0 to 1 in order", error.getMessage());
    }

    /** A typo in a key, or a preprocessing step tileinfer does not apply, would feed the model other values. */
    @Test
    void refusesInputKeysItWouldNotApplyAndUnknownKeysOfItsOwn() throws Exception {
        Path file = dir.resolve("card.json");
        Cards.twoBandTwoClass().write(file);
        String card = Files.readString(file);
        Map<UnaryOperator<String>, String> refused = new LinkedHashMap<>();
        refused.put(text -> text.replace("\"value_scaling\"", "\"value_scalling\""),
                "mlm:input[0].value_scalling: expected one of [bands, description, input, name, value_scaling] "
                        + "(unknown key)");
        refused.put(text -> text.replace("\"value_scaling\"", "\"norm_type\": \"z-score\", \"value_scaling\""),
                "mlm:input[0].norm_type: expected null: tileinfer applies the card's value_scaling only");
        refused.put(text -> text.replace("\"tileinfer:halo\"", "\"tileinfer:hallo\""),
                "tileinfer:hallo: expected one of [tileinfer:halo, ");
        for (Map.Entry<UnaryOperator<String>, String> edit : refused.entrySet()) {
            ModelException error = refusedEdit(edit.getKey());
            assertTrue(error.getMessage().startsWith(file + ": " + edit.getValue()), error.getMessage());
        }
        // what asks for nothing stands
        Files.writeString(file, card.replace("\"value_scaling\"", "\"norm_type\": null, \"resize_type\": "
                + "\"none\", \"norm_by_channel\": false, \"value_scaling\""));
        assertEquals(Cards.twoBandTwoClass(), ModelCard.read(file));
    }

    @Test
    void refusesATileLargerThanThePipelineTakes() throws Exception {
        ModelException error = refusedEdit(card -> card.replaceAll("\"tileinfer:tile_size\"\\s*:\\s*16",
                "\"tileinfer:tile_size\": 100000"));

        assertEquals(dir.resolve("card.json") + ": tile size 100000 px, expected at most 8192", error.getMessage());
    }

    /** A name too long to register is the registry's to refuse: a version registered before the limit is read. */
    @Test
    void aNameLongerThanARegistrationTakesIsReadAndRefusedForRegistration() throws Exception {
        Path file = dir.resolve("card.json");
        Cards.withName(Cards.twoBandTwoClass(), "n".repeat(ModelCard.MAX_NAME_LENGTH + 1)).write(file);
        ModelCard card = ModelCard.read(file);
        ModelException refused = assertThrows(ModelException.class, () -> card.requireRegistrableName(file.toString()));
        assertEquals(file + ": model name (mlm:name) of 101 characters, expected at most 100 (it begins the version "
                + "id, a directory name)", refused.getMessage());
    }

    /** Jackson would keep the last of a key given twice, and the model would be registered under another name. */
    @Test
    void refusesAKeyGivenTwice() throws Exception {
        ModelException error = refusedEdit(card -> card.replace("\"mlm:name\" : \"tiny\",",
                "\"mlm:name\" : \"tiny\", \"mlm:name\" : \"other\","));
        assertEquals(dir.resolve("card.json") + ": not valid JSON: line 2, column 34: Duplicate field 'mlm:name'",
                error.getMessage());

        ModelException nested = refusedEdit(card -> card.replace("\"epochs\" : 3,",
                "\"epochs\" : 3, \"epochs\" : 30,"));
        assertTrue(nested.getMessage().startsWith(dir.resolve("card.json") + ": not valid JSON: line "),
                nested.getMessage());
        assertTrue(nested.getMessage().endsWith(": Duplicate field 'epochs'"), nested.getMessage());
    }

    @Test
    void unregisteredCardHasNoVersion() {
        assertNull(readBack(Cards.twoBandTwoClass()).version());
    }

    /** The refusal of the test card written as card.json, edited as a JSON tree. */
    private ModelException refusedTreeEdit(Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(CardJson.toBytes(Cards.twoBandTwoClass()));
        edit.accept(root);
        Path file = dir.resolve("card.json");
        json.writeValue(file.toFile(), root);
        return assertThrows(ModelException.class, () -> ModelCard.read(file));
    }

    /** The shape array of mlm:input's "input" or mlm:output's "result". */
    private static ArrayNode shape(ObjectNode card, String tensor, String structure) {
        return (ArrayNode) card.get(tensor).get(0).get(structure).get("shape");
    }

    /** The refusal of the test card written as card.json, then edited as text. */
    private ModelException refusedEdit(UnaryOperator<String> edit) throws IOException {
        Path file = dir.resolve("card.json");
        Cards.twoBandTwoClass().write(file);
        Files.writeString(file, edit.apply(Files.readString(file)));
        return assertThrows(ModelException.class, () -> ModelCard.read(file));
    }

    private ModelCard readBack(ModelCard card) {
        Path file = dir.resolve("other.json");
        card.write(file);
        return ModelCard.read(file);
    }
}
