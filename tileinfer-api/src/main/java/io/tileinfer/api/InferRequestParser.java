package io.tileinfer.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads an inference request with Jackson's streaming parser, straight into a float array: a 256 x 256 x 4 tile is
 * 262,144 numbers, which as a JSON tree would cost tens of megabytes. Values are checked against their declared
 * datatype (integers in range for the integer types, finite float32 for the float types).
 */
final class InferRequestParser {

    /** The OIP datatypes a raster band can be sent as, with the range of their values. */
    private static final Map<String, double[]> RANGES = Map.ofEntries(
            Map.entry("UINT8", new double[] {0, 255}), Map.entry("UINT16", new double[] {0, 65535}),
            Map.entry("UINT32", new double[] {0, 4294967295.0}), Map.entry("UINT64", new double[] {0, 0x1p64}),
            Map.entry("INT8", new double[] {-128, 127}), Map.entry("INT16", new double[] {-32768, 32767}),
            Map.entry("INT32", new double[] {Integer.MIN_VALUE, Integer.MAX_VALUE}),
            Map.entry("INT64", new double[] {-0x1p63, 0x1p63}),
            Map.entry("FP16", new double[] {-65504, 65504}),
            Map.entry("FP32", new double[] {-Float.MAX_VALUE, Float.MAX_VALUE}),
            Map.entry("FP64", new double[] {-Float.MAX_VALUE, Float.MAX_VALUE}));
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build();

    private InferRequestParser() {
    }

    /** @throws ApiException 400 naming the field when the body is not such a request */
    static InferRequest parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty: send an inference request "
                    + "{\"inputs\": [{\"name\", \"shape\", \"datatype\", \"data\"}]} as application/json");
        }
        try (JsonParser parser = FACTORY.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("the body must be a JSON object (an inference request), found "
                        + describe(parser.currentToken()));
            }
            String id = null;
            List<InferRequest.Tensor> inputs = null;
            List<String> outputs = List.of();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "id" -> id = string(parser, "id");
                    case "inputs" -> inputs = inputs(parser);
                    case "outputs" -> outputs = outputs(parser);
                    case "parameters" -> object(parser, "parameters");
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
            return new InferRequest(id, inputs.getFirst(), outputs);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the body: " + e.getMessage());
        }
    }

    private static List<InferRequest.Tensor> inputs(JsonParser parser) throws IOException {
        expect(parser, JsonToken.START_ARRAY, "inputs", "an array of tensors");
        List<InferRequest.Tensor> tensors = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            tensors.add(tensor(parser, "inputs[" + tensors.size() + "]"));
        }
        return tensors;
    }

    private static InferRequest.Tensor tensor(JsonParser parser, String path) throws IOException {
        expect(parser, JsonToken.START_OBJECT, path, "a tensor object");
        String name = null;
        String datatype = null;
        long[] shape = null;
        Floats data = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "name" -> name = string(parser, path + ".name");
                case "datatype" -> datatype = string(parser, path + ".datatype");
                case "shape" -> shape = shape(parser, path + ".shape");
                case "parameters" -> object(parser, path + ".parameters");
                case "data" -> {
                    data = new Floats();
                    values(parser, path + ".data", data);
                }
                default -> parser.skipChildren();
            }
        }
        require(name, path + ".name", "the tensor's name");
        require(datatype, path + ".datatype", "one of " + RANGES.keySet().stream().sorted().toList());
        require(shape, path + ".shape", "the tensor's shape, e.g. [1, C, H, W]");
        require(data, path + ".data", "the tensor's values as a (flat or nested) array of numbers");
        double[] range = RANGES.get(datatype);
        if (range == null) {
            throw ApiException.badRequest(path + ".datatype: found \"" + datatype + "\", expected one of "
                    + RANGES.keySet().stream().sorted().toList() + " (raster values)");
        }
        long expected = 1;
        for (long dimension : shape) {
            expected = dimension > Integer.MAX_VALUE || expected > Integer.MAX_VALUE ? Long.MAX_VALUE
                    : expected * dimension;
        }
        if (data.size != expected) {
            throw ApiException.badRequest(path + ".data: found " + data.size + " values, expected " + expected
                    + " for the shape " + Arrays.toString(shape));
        }
        if ((datatype.startsWith("INT") || datatype.startsWith("UINT")) && data.fractions) {
            throw ApiException.badRequest(path + ".data: found a number with a fraction or exponent, expected "
                    + "integers for " + datatype);
        }
        for (double value : new double[] {data.min, data.max}) {
            if (!(value >= range[0] && value <= range[1])) {
                throw ApiException.badRequest(path + ".data: found " + value + ", expected values in ["
                        + format(range[0]) + ", " + format(range[1]) + "] for " + datatype);
            }
        }
        return new InferRequest.Tensor(name, datatype, shape, data.toArray());
    }

    /** Reads a (flat or nested) array of numbers. */
    private static void values(JsonParser parser, String path, Floats into) throws IOException {
        expect(parser, JsonToken.START_ARRAY, path, "an array of numbers");
        int depth = 1;
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            switch (token) {
                case START_ARRAY -> depth++;
                case END_ARRAY -> depth--;
                case VALUE_NUMBER_INT -> into.add(parser.getValueAsDouble(), false);
                case VALUE_NUMBER_FLOAT -> into.add(parser.getValueAsDouble(), true);
                case null -> throw ApiException.badRequest(path + ": the body ends inside the array");
                default -> throw ApiException.badRequest(path + "[" + into.size + "]: found " + describe(token)
                        + ", expected a number");
            }
        }
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
                if (field.equals("name")) {
                    name = string(parser, path + ".name");
                } else {
                    parser.skipChildren();
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

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e18 ? String.valueOf((long) value)
                : String.valueOf(value);
    }

    /**
     * A growing float array, with the extremes as parsed (before rounding to float32) and whether any number had a
     * fraction or exponent, for the datatype checks.
     */
    private static final class Floats {
        private float[] values = new float[1024];
        private int size;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;
        private boolean fractions;

        void add(double value, boolean fraction) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = (float) value;
            min = Math.min(min, value);
            max = Math.max(max, value);
            fractions |= fraction;
        }

        float[] toArray() {
            return size == values.length ? values : Arrays.copyOf(values, size);
        }
    }
}
