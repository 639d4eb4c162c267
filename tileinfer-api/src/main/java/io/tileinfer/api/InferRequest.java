package io.tileinfer.api;

import java.util.List;

/**
 * An Open Inference Protocol inference request, as far as tileinfer uses it: the request's id (may be null), its
 * one input tensor, the outputs asked for (empty: all of them), and the sun's elevation at the tiles in degrees
 * ({@code parameters.sun_elevation}; null when not given), which a model with sun-angle-corrected bands needs.
 */
record InferRequest(String id, Tensor input, List<String> outputs, Double sunElevation) {

    /** A tensor's name, datatype, shape and values, flattened in row-major order. */
    record Tensor(String name, TensorDatatype datatype, long[] shape, TensorValues data) {
    }
}
