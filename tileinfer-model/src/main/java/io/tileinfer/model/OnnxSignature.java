package io.tileinfer.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.util.Arrays;
import java.util.Map;

/**
 * The tensor names of a model whose signature fits its card: one float32 input [N, C, H, W] with C = the card's
 * bands and one float32 output [N, K, H, W] with K = the card's classes. N must be dynamic (batches of any
 * size); H and W dynamic or the tile size (which includes the halo on both sides).
 */
record OnnxSignature(String inputName, String outputName) {

    private static final long DYNAMIC = -1;

    static OnnxSignature check(OrtSession session, ModelCard card, String source) throws OrtException {
        NodeInfo input = single(session.getInputInfo(), "input", source);
        NodeInfo output = single(session.getOutputInfo(), "output", source);
        long[] in = float4d(input, "input", source);
        long[] out = float4d(output, "output", source);
        String inputLabel = source + ": input '" + input.getName() + "' " + Arrays.toString(in);
        if (in[0] != DYNAMIC) {
            throw new ModelException(inputLabel + " has a fixed batch size of " + in[0]
                    + ", expected a dynamic batch dimension (-1): export the model with a dynamic batch axis");
        }
        if (in[1] != card.bands().size()) {
            throw new ModelException(inputLabel + " has " + describe(in[1]) + " channels, expected "
                    + card.bands().size() + " (the card's bands " + card.bandNames() + ")");
        }
        // A fixed side must be the card's too: the API reads the card's shape to know which sizes it may feed.
        // (The card's shape is -1 or the tile size, which batch feeds: ModelCard checks that.)
        for (int axis = 2; axis < 4; axis++) {
            long cardSide = card.inputShape().get(axis);
            if (in[axis] != DYNAMIC && in[axis] != cardSide) {
                throw new ModelException(inputLabel + " has a fixed " + (axis == 2 ? "height" : "width") + " of "
                        + in[axis] + ", expected " + (cardSide == DYNAMIC ? "a dynamic size" : cardSide)
                        + " (the card's mlm:input shape " + card.inputShape() + ", tile size " + card.tileSize()
                        + " halo included)");
            }
        }
        if (out[1] != DYNAMIC && out[1] != card.classCount()) {
            throw new ModelException(source + ": output '" + output.getName() + "' " + Arrays.toString(out)
                    + " has " + out[1] + " classes, expected " + card.classCount() + " (the card's classes "
                    + card.classes().stream().map(ClassSpec::name).toList() + ")");
        }
        return new OnnxSignature(input.getName(), output.getName());
    }

    private static NodeInfo single(Map<String, NodeInfo> nodes, String kind, String source) {
        if (nodes.size() != 1) {
            throw new ModelException(source + ": the model has " + nodes.size() + " " + kind + "s "
                    + nodes.keySet() + ", expected exactly one");
        }
        return nodes.values().iterator().next();
    }

    private static long[] float4d(NodeInfo node, String kind, String source) {
        if (!(node.getInfo() instanceof TensorInfo tensor)) {
            throw new ModelException(source + ": " + kind + " '" + node.getName() + "' is " + node.getInfo()
                    + ", expected a float32 tensor");
        }
        if (tensor.type != OnnxJavaType.FLOAT) {
            throw new ModelException(source + ": " + kind + " '" + node.getName() + "' has element type "
                    + tensor.onnxType + ", expected float32");
        }
        long[] shape = tensor.getShape();
        if (shape.length != 4) {
            throw new ModelException(source + ": " + kind + " '" + node.getName() + "' has shape "
                    + Arrays.toString(shape) + ", expected 4 dimensions [N, " + (kind.equals("input") ? "C" : "K")
                    + ", H, W]");
        }
        return shape;
    }

    private static String describe(long dimension) {
        return dimension == DYNAMIC ? "a dynamic number of" : String.valueOf(dimension);
    }
}
