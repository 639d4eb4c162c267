package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tileinfer.core.run.Version;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the hand-written OpenAPI 3.0 document of every endpoint (a resource beside this class),
 * with the software's version, the inference endpoints' security as this server is configured, and what the served
 * model takes: the bounds of its input's band values, whether it needs the tiles' sun elevation, and an inference
 * request it accepts as the example.
 */
final class OpenApiDocument {

    /** The resource's placeholder for the inference request example. */
    private static final String EXAMPLE = "EXAMPLE";
    /** The example request's sun elevation, for a model whose bands are corrected for the sun angle. */
    private static final int EXAMPLE_SUN_ELEVATION = 45;
    /** Whole numbers up to this magnitude are written without a fraction ("65535", not "65535.0"). */
    private static final double EXACT_INTEGERS = 0x1p53;

    private OpenApiDocument() {
    }

    static byte[] render(boolean apiKeyRequired, ServedModel served) {
        ObjectNode document;
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi.json")) {
            document = (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the OpenAPI document is missing from the jar", e);
        }
        ((ObjectNode) document.get("info")).put("version", Version.tileinfer());
        TensorDatatype modelType = TensorDatatype.ofStac(served.card().inputDataType());
        bandValueBounds((ObjectNode) document.at("/components/schemas/BandValue"), modelType);
        boolean needsSun = served.model().needsSunElevation();
        if (needsSun) { // the model answers 422 without it: the document says it is required
            ObjectNode request = (ObjectNode) document.at("/components/schemas/InferRequest");
            ((ArrayNode) request.get("required")).add("parameters");
            ((ObjectNode) request.at("/properties/parameters")).putArray("required").add("sun_elevation");
        }
        ObjectNode example = inferExample(served.model().bandCount(), modelType, needsSun);
        for (JsonNode path : document.get("paths")) {
            for (JsonNode operation : path) {
                if (operation.has("security")) {
                    ArrayNode security = Json.MAPPER.createArrayNode();
                    if (apiKeyRequired) {
                        security.addObject().putArray("apiKey");
                    }
                    ((ObjectNode) operation).set("security", security);
                }
                JsonNode json = operation.at("/requestBody/content/application~1json");
                if (EXAMPLE.equals(json.path("example").asText(null))) {
                    ((ObjectNode) json).set("example", example);
                }
            }
        }
        return Json.bytes(document);
    }

    /** The values the model's input can be, as the endpoints check them (a value beyond them is a 422). */
    private static void bandValueBounds(ObjectNode schema, TensorDatatype modelType) {
        schema.set("minimum", number(modelType.min()));
        schema.set("maximum", number(modelType.max()));
        if (modelType.integral()) {
            schema.put("multipleOf", 1);
        }
    }

    /**
     * One pixel of zeros in each band: a request the served model accepts, so that a client (and the API fuzzer,
     * which cannot guess that the values' count is the product of the shape) has one to start from.
     */
    private static ObjectNode inferExample(int bands, TensorDatatype modelType, boolean needsSun) {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("id", "example");
        if (needsSun) {
            request.putObject("parameters").put("sun_elevation", EXAMPLE_SUN_ELEVATION);
        }
        ObjectNode input = request.putArray("inputs").addObject();
        input.put("name", OpenInference.INPUT);
        input.putArray("shape").add(1).add(bands).add(1).add(1);
        input.put("datatype", modelType.name());
        ArrayNode data = input.putArray("data");
        for (int band = 0; band < bands; band++) {
            data.add(0);
        }
        request.putArray("outputs").addObject().put("name", OpenInference.CLASS_MAP);
        return request;
    }

    private static JsonNode number(double value) {
        return value == Math.rint(value) && Math.abs(value) <= EXACT_INTEGERS
                ? Json.MAPPER.getNodeFactory().numberNode((long) value)
                : Json.MAPPER.getNodeFactory().numberNode(value);
    }
}
