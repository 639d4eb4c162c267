package io.tileinfer.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.InvalidProtocolBufferException;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checks that a model made elsewhere fits its card before it enters the registry: ORT can load it, its signature
 * fits (see {@link OnnxSignature}), the card names its input and output tensors as the graph does, and one forward
 * pass over a tile gives [1, K, H, W] probabilities that are finite and sum to 1 over the classes of each pixel (a
 * model ending in logits is refused: append a Softmax).
 */
final class ImportCheck {

    private static final double SUM_TOLERANCE = 1e-3;

    private ImportCheck() {
    }

    /**
     * @param source     the ONNX file, for messages
     * @param cardSource the card's file, for messages about its fields
     */
    static void requireCompatible(byte[] onnx, ModelCard card, String source, String cardSource) {
        requireSelfContained(onnx, source);
        OrtEnvironment environment = OnnxRuntime.environment();
        try (OrtSession session = TileModel.openSession(environment, onnx, ModelOptions.defaults(), source)) {
            OnnxSignature signature = OnnxSignature.check(session, card, source);
            requireTensorName(card.tensorNames().input(), signature.inputName(), "mlm:input[0].name", "input",
                    cardSource, source);
            requireTensorName(card.tensorNames().output(), signature.outputName(), "mlm:output[0].name", "output",
                    cardSource, source);
            int side = card.tileSize(); // the model input: the tile with its halo included
            long[] inputShape = {1, card.bands().size(), side, side};
            try (OnnxTensor input = OnnxTensor.createTensor(environment, syntheticInput(inputShape), inputShape);
                 OrtSession.Result result = session.run(Map.of(signature.inputName(), input))) {
                OnnxTensor output = (OnnxTensor) result.get(0);
                long[] expected = {1, card.classCount(), side, side};
                long[] found = output.getInfo().getShape();
                if (!Arrays.equals(found, expected)) {
                    throw new ModelException(source + ": for an input of shape " + Arrays.toString(inputShape)
                            + " output '" + signature.outputName() + "' has shape " + Arrays.toString(found)
                            + ", expected " + Arrays.toString(expected) + " (one probability per class and pixel)");
                }
                requireProbabilities(output.getFloatBuffer(), card.classCount(), side * side, source);
            }
        } catch (OrtException e) {
            throw new ModelException(source + ": the test inference failed in ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /**
     * The card names the graph's tensor, so that the stored card describes the model (MLM allows an informative name
     * only for a model that names none, and an ONNX graph names all of its inputs and outputs).
     */
    private static void requireTensorName(String stated, String actual, String field, String kind, String cardSource,
                                          String source) {
        if (!stated.equals(actual)) {
            throw new ModelException(cardSource + ": " + field + ": expected \"" + actual + "\", the name of the "
                    + kind + " of " + source + ", found \"" + stated + "\"");
        }
    }

    /** Deterministic values in [0, 1): the check must not depend on a random draw. */
    private static FloatBuffer syntheticInput(long[] shape) {
        int size = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        FloatBuffer values = FloatBuffer.allocate(size);
        for (int i = 0; i < size; i++) {
            values.put(i, (i * 0.618034f) % 1f);
        }
        return values;
    }

    /**
     * Refuses weights kept in files beside the model (ONNX external data): the registry keeps one file, and ONNX
     * Runtime, given the model's bytes, would look for those files in the working directory of whoever runs it.
     */
    private static void requireSelfContained(byte[] onnx, String source) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            return; // ONNX Runtime says what is wrong with it, next
        }
        externalTensor(model.getGraph()).ifPresent(tensor -> {
            String location = tensor.getExternalDataList().stream().filter(e -> "location".equals(e.getKey()))
                    .map(StringStringEntryProto::getValue).findFirst().orElse("?");
            throw new ModelException(source + ": tensor " + tensor.getName() + " keeps its values in an external "
                    + "file (" + location + "), expected a self-contained ONNX file: save the model with its weights "
                    + "inside (onnx.save(model, path, save_as_external_data=False); up to 2 GB)");
        });
    }

    /** The first tensor of the graph (or of a graph inside one of its nodes) whose values are elsewhere. */
    private static Optional<TensorProto> externalTensor(GraphProto graph) {
        Stream<TensorProto> tensors = Stream.concat(graph.getInitializerList().stream(),
                graph.getSparseInitializerList().stream().flatMap(s -> Stream.of(s.getValues(), s.getIndices())));
        Stream<TensorProto> inNodes = graph.getNodeList().stream().flatMap(node -> node.getAttributeList().stream())
                .flatMap(a -> Stream.concat(Stream.concat(Stream.of(a.getT()), a.getTensorsList().stream()),
                        Stream.concat(Stream.of(a.getG()), a.getGraphsList().stream())
                                .flatMap(g -> externalTensor(g).stream())));
        return Stream.concat(tensors, inNodes)
                .filter(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL).findFirst();
    }

    private static void requireProbabilities(FloatBuffer output, int classes, int pixels, String source) {
        for (int pixel = 0; pixel < pixels; pixel++) {
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                float value = output.get(k * pixels + pixel);
                if (!Float.isFinite(value) || value < 0 || value > 1) {
                    throw new ModelException(source + ": the test inference gave " + value + " for class " + k
                            + " at pixel " + pixel + ", expected a probability in [0, 1] (does the model end "
                            + "with a Softmax over the class axis?)");
                }
                sum += value;
            }
            if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                throw new ModelException(source + ": the test inference's class probabilities sum to " + sum
                        + " at pixel " + pixel + ", expected 1 (does the model end with a Softmax over axis 1?)");
            }
        }
    }
}
