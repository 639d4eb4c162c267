package io.tileinfer.model;

import java.util.Objects;

/**
 * The names of a model's ONNX input and output tensors, as its card states them ({@code mlm:input[0].name},
 * {@code mlm:output[0].name}). Inference feeds the session by the names its graph has ({@link OnnxSignature});
 * import refuses a card that names others, so that a stored card describes its model.
 */
public record TensorNames(String input, String output) {

    /** The names of the graphs tileinfer's trainer exports, which every card stated before cards kept their own. */
    public static final TensorNames TRAINED = new TensorNames("input", "probabilities");

    public TensorNames {
        Objects.requireNonNull(input, "input tensor name");
        Objects.requireNonNull(output, "output tensor name");
        if (input.isEmpty() || output.isEmpty()) {
            throw new IllegalArgumentException("tensor names must not be empty, found input \"" + input
                    + "\", output \"" + output + "\"");
        }
    }
}
