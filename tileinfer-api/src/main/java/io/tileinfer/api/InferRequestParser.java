package io.tileinfer.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.tileinfer.model.JsonErrors;
import io.tileinfer.model.InputScaling;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an inference request with Jackson's streaming parser, straight into a float array: a 256 x 256 x 4 tile is
 * 262,144 numbers, which as a JSON tree would cost tens of megabytes. Values are checked against their declared
 * datatype ({@link TensorDatatype}); whether the model's input type can hold them is the endpoint's check.
 */
final class InferRequestParser {

    /**
     * NaN and Infinity are read as numbers (Python's json writes them) so that they get the datatype checks. A key
     * twice in an object is an error, not the last one winning.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private InferRequestParser() {
    }

    /** @throws ApiException 400 naming the field when the body is not such a request */
    static InferRequest parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty: send an inference request "
                    + "{\"inputs\": [{\"name\", \"shape\", \"datatype\", \"data\"}]} as application/json");
        }
        if (utf16or32(body)) { // Jackson would read it, but without the byte offsets that NestedShape needs
            throw ApiException.badRequest("the body is UTF-16 or UTF-32, expected UTF-8 (JSON between systems is "
                    + "UTF-8: RFC 8259, section 8.1)");
        }
        try (JsonParser parser = FACTORY.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("the body must be a JSON object (an inference request), found "
                        + describe(parser.currentToken()));
            }
            String id = null;
            List<InferRequest.Tensor> inputs = null;
            List<String> outputs = List.of();
            Double sunElevation = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "id" -> id = string(parser, "id");
                    case "inputs" -> inputs = inputs(parser, body);
                    case "outputs" -> outputs = outputs(parser);
                    case "parameters" -> sunElevation = sunElevation(parser);
                    default -> parser.skipChildren(); // the protocol allows extensions
                }
            }
            if (inputs == null) {
                throw ApiException.badRequest("inputs: missing, expected an array with the model's one input");
            }
            if (inputs.size() != 1) {
                throw ApiException.badRequest("inputs: found " + inputs.size() + " tensors, expected exactly 1 "
                        + "(the model has one input)");
            }
            if (parser.nextToken() != null) {
                throw ApiException.badRequest("the body holds more than one JSON value");
            }
            return new InferRequest(id, inputs.getFirst(), outputs, sunElevation);
        } catch (JsonProcessingException e) {
            // JsonErrors: Jackson's limits (nesting depth, say) fail with no location
            throw ApiException.badRequest("the body is not valid JSON: " + JsonErrors.describe(e));
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the body: " + e.getMessage());
        }
    }

    /** A UTF-16 or UTF-32 byte order mark, or a zero byte among the first two: JSON's first character is ASCII. */
    private static boolean utf16or32(byte[] body) {
        boolean bom = body.length >= 2 && ((body[0] == (byte) 0xFE && body[1] == (byte) 0xFF)
                || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE));
        return bom || body[0] == 0 || (body.length >= 2 && body[1] == 0);
    }

    private static List<InferRequest.Tensor> inputs(JsonParser parser, byte[] body) throws IOException {
        expect(parser, JsonToken.START_ARRAY, "inputs", "an array of tensors");
        List<InferRequest.Tensor> tensors = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            tensors.add(tensor(parser, body, "inputs[" + tensors.size() + "]"));
        }
        return tensors;
    }

    private static InferRequest.Tensor tensor(JsonParser parser, byte[] body, String path) throws IOException {
        expect(parser, JsonToken.START_OBJECT, path, "a tensor object");
        String name = null;
        String datatype = null;
        long[] shape = null;
        TensorValues data = null;
        int dataOffset = -1; // where nested data starts, for its check against the shape, which may come after it
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "name" -> name = string(parser, path + ".name");
                case "datatype" -> datatype = string(parser, path + ".datatype");
                case "shape" -> shape = shape(parser, path + ".shape");
                case "parameters" -> object(parser, path + ".parameters");
                case "data" -> {
                    int offset = (int) parser.currentTokenLocation().getByteOffset();
                    data = new TensorValues();
                    dataOffset = values(parser, path + ".data", data) ? offset : -1;
                }
                default -> parser.skipChildren();
            }
        }
        require(name, path + ".name", "the tensor's name");
        require(datatype, path + ".datatype", "one of " + TensorDatatype.NAMES);
        require(shape, path + ".shape", "the tensor's shape, e.g. [1, C, H, W]");
        require(data, path + ".data", "the tensor's values as a (flat or nested) array of numbers");
        TensorDatatype type = TensorDatatype.named(datatype);
        if (type == null) {
            throw ApiException.badRequest(path + ".datatype: found \"" + datatype + "\", expected one of "
                    + TensorDatatype.NAMES + " (raster values)");
        }
        long expected = valueCount(shape, path);
        if (dataOffset >= 0) {
            try (JsonParser again = FACTORY.createParser(body, dataOffset, body.length - dataOffset)) {
                NestedShape.check(again, shape, path + ".data", name);
            }
        }
        if (data.size() != expected) {
            throw ApiException.badRequest(path + ".data: found " + data.size() + " values, expected " + expected
                    + " for the shape " + Arrays.toString(shape));
        }
        data.firstNotHeldBy(type).ifPresent(offence -> {
            throw ApiException.badRequest(path + ".data[" + offence.index() + "]: found "
                    + TensorDatatype.format(offence.value()) + ", expected " + type.finiteValues() + " for " + type);
        });
        return new InferRequest.Tensor(name, type, shape, data);
    }

    /** The number of values a shape holds; a request holds fewer than 2^31 (its body is a byte array). */
    private static long valueCount(long[] shape, String path) {
        long count = 1;
        for (long dimension : shape) {
            count *= Math.min(dimension, Integer.MAX_VALUE + 1L); // both factors at most 2^31: no overflow
            if (count > Integer.MAX_VALUE) {
                throw ApiException.badRequest(path + ".shape: found " + Arrays.toString(shape) + ", which is too "
                        + "large: it holds more than " + Integer.MAX_VALUE + " values, expected the shape of the "
                        + "values sent");
            }
        }
        return count;
    }

    /**
     * Reads flat or nested data (the Open Inference Protocol takes both, row-major) into {@code into}; whether nested
     * data has the tensor's shape is {@link NestedShape}'s check, once the shape is known.
     *
     * @return whether the data is nested
     */
    private static boolean values(JsonParser parser, String path, TensorValues into) throws IOException {
        expect(parser, JsonToken.START_ARRAY, path, "an array of numbers");
        boolean nested = false;
        int depth = 1;
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            switch (token) {
                case START_ARRAY -> {
                    if (depth == 1 && !nested && into.size() > 0) {
                        throw ApiException.badRequest(path + "[" + into.size() + "]: found an array after numbers, "
                                + "expected a number: send the values flat, or nested as the tensor's shape");
                    }
                    nested = true;
                    depth++;
                }
                case END_ARRAY -> depth--;
                case VALUE_NUMBER_INT -> {
                    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        into.addBeyondLong(parser.getBigIntegerValue());
                    } else {
                        into.add(parser.getValueAsDouble());
                    }
                }
                case VALUE_NUMBER_FLOAT -> into.add(parser.getValueAsDouble());
                case null -> throw ApiException.badRequest(path + ": the body ends inside the array");
                default -> throw ApiException.badRequest(path + "[" + into.size() + "]: found " + describe(token)
                        + ", expected a number");
            }
        }
        return nested;
    }

    private static long[] shape(JsonParser parser, String path) throws IOException {
        expect(parser, JsonToken.START_ARRAY, path, "an array of integers");
        List<Long> dimensions = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || parser.getLongValue() < 1) {
                throw ApiException.badRequest(path + "[" + dimensions.size() + "]: found "
                        + describe(parser.currentToken()) + (parser.currentToken().isNumeric() ? " " + parser.getText() : "")
                        + ", expected a positive integer");
            }
            dimensions.add(parser.getLongValue());
        }
        return dimensions.stream().mapToLong(Long::longValue).toArray();
    }

    private static List<String> outputs(JsonParser parser) throws IOException {
        expect(parser, JsonToken.START_ARRAY, "outputs", "an array of {\"name\": ...} objects");
        List<String> names = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            String path = "outputs[" + names.size() + "]";
            expect(parser, JsonToken.START_OBJECT, path, "an object with the output's name");
            String name = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "name" -> name = string(parser, path + ".name");
                    case "parameters" -> object(parser, path + ".parameters"); // an object, as in an input
                    default -> parser.skipChildren();
                }
            }
            require(name, path + ".name", "the name of an output");
            names.add(name);
        }
        return names;
    }

    private static String string(JsonParser parser, String path) throws IOException {
        expect(parser, JsonToken.VALUE_STRING, path, "a string");
        return parser.getText();
    }

    /** The request's parameters: {@code sun_elevation} in degrees, when given; others are the protocol's extensions. */
    private static Double sunElevation(JsonParser parser) throws IOException {
        expect(parser, JsonToken.START_OBJECT, "parameters", "an object");
        Double sunElevation = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (!field.equals("sun_elevation")) {
                parser.skipChildren();
                continue;
            }
            if (!parser.currentToken().isNumeric() || !InputScaling.correctable(parser.getDoubleValue())) {
                throw ApiException.badRequest("parameters.sun_elevation: found " + (parser.currentToken().isNumeric()
                        ? parser.getText() : describe(parser.currentToken())) + ", expected the sun's elevation at "
                        + "the tiles in " + InputScaling.SUN_ELEVATIONS);
            }
            sunElevation = parser.getDoubleValue();
        }
        return sunElevation;
    }

    private static void object(JsonParser parser, String path) throws IOException {
        expect(parser, JsonToken.START_OBJECT, path, "an object");
        parser.skipChildren();
    }

    private static void expect(JsonParser parser, JsonToken token, String path, String expected) {
        if (parser.currentToken() != token) {
            throw ApiException.badRequest(path + ": found " + describe(parser.currentToken()) + ", expected "
                    + expected);
        }
    }

    private static void require(Object value, String path, String expected) {
        if (value == null) {
            throw ApiException.badRequest(path + ": missing, expected " + expected);
        }
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "the end of the body";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }
}
