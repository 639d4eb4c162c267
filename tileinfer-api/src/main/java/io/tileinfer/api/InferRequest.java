package io.tileinfer.api;

import java.util.List;

/**
 * An Open Inference Protocol inference request, as far as tileinfer uses it: the request's id (may be null), its
 * one input tensor, and the outputs asked for (empty: all of them).
 */
record InferRequest(String id, Tensor input, List<String> outputs) {

    /** A tensor's name, datatype, shape and values, flattened in row-major order. */
    record Tensor(String name, TensorDatatype datatype, long[] shape, TensorValues data) {
    }
}
