package io.tileinfer.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Arrays;

/**
 * Checks that a tensor's nested data has the tensor's shape, as KServe and Triton take nested data: each array holds
 * as many entries as its dimension, and numbers come at the last level only. It reads the data a second time, token
 * by token (the shape may come after the data in a request, and the values are already read), keeping nothing but
 * the index of each level.
 */
final class NestedShape {

    private NestedShape() {
    }

    /**
     * @param parser on the data's array, which the first reading found nested and of numbers only
     * @param path   the data's path in the request, "inputs[0].data"
     * @throws ApiException 400 naming the first array (or entry) that does not fit, what it holds and the shape
     */
    static void check(JsonParser parser, long[] shape, String path, String name) throws IOException {
        parser.nextToken();
        if (shape.length == 0) {
            throw mismatch("found an array, expected a number", path + "[0]", shape, name);
        }
        int[] index = new int[shape.length]; // the entry read at each level: index[0] in the data itself
        int depth = 0;
        for (JsonToken token = parser.nextToken(); ; token = parser.nextToken()) {
            if (token == JsonToken.END_ARRAY) {
                if (index[depth] != shape[depth]) {
                    throw mismatch("found " + entries(index[depth], depth, shape) + ", expected " + shape[depth],
                            path(path, index, depth), shape, name);
                }
                if (depth == 0) {
                    return;
                }
                index[--depth]++;
            } else if (index[depth] == shape[depth]) { // one entry too many: the message counts them all
                Extra extra = remaining(parser, depth < shape.length - 1);
                int count = index[depth] + extra.count();
                String counted = extra.allOfTheLevelsKind()
                        ? entries(count, depth, shape) + ", expected " + shape[depth]
                        : count + " entries, expected " + entries(shape[depth], depth, shape);
                throw mismatch("found " + counted, path(path, index, depth), shape, name);
            } else if (depth == shape.length - 1) {
                if (token == JsonToken.START_ARRAY) {
                    throw mismatch("found an array, expected a number", path(path, index, depth + 1), shape, name);
                }
                index[depth]++;
            } else if (token == JsonToken.START_ARRAY) {
                index[++depth] = 0;
            } else {
                throw mismatch("found a number, expected an array of " + entries(shape[depth + 1], depth + 1, shape),
                        path(path, index, depth + 1), shape, name);
            }
        }
    }

    /** How many entries an array has beyond its shape, and whether each is what its level holds. */
    private record Extra(int count, boolean allOfTheLevelsKind) {
    }

    /** The entries from the parser's (an entry's first token) to the end of their array, of arrays or numbers. */
    private static Extra remaining(JsonParser parser, boolean arrays) throws IOException {
        int count = 0;
        boolean allOfTheLevelsKind = true;
        for (JsonToken token = parser.currentToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            allOfTheLevelsKind &= (token == JsonToken.START_ARRAY) == arrays;
            parser.skipChildren();
            count++;
        }
        return new Extra(count, allOfTheLevelsKind);
    }

    /** "3 values" at the last level, "2 arrays" above it. */
    private static String entries(long count, int depth, long[] shape) {
        String noun = depth == shape.length - 1 ? "value" : "array";
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    /** The data's path with the first {@code levels} indices: "inputs[0].data[1][0]". */
    private static String path(String data, int[] index, int levels) {
        StringBuilder path = new StringBuilder(data);
        for (int level = 0; level < levels; level++) {
            path.append('[').append(index[level]).append(']');
        }
        return path.toString();
    }

    private static ApiException mismatch(String found, String path, long[] shape, String name) {
        return ApiException.badRequest(path + ": " + found + ": the nested data of input \"" + name + "\" must have "
                + "its shape " + Arrays.toString(shape) + ", or be flat");
    }
}
