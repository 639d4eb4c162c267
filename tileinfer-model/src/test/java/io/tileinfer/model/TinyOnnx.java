package io.tileinfer.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Builds small per-pixel ONNX models for tests: input [N, C, H, W] -> 1x1 Conv -> (Softmax on axis 1).
 * Published in this module's test-jar for the other modules' tests.
 */
public final class TinyOnnx {

    private TinyOnnx() {
    }

    /** Class probabilities: softmax(weights[k] . x + bias[k]) per pixel. */
    public static byte[] softmaxClassifier(float[][] weights, float[] bias) {
        return build(weights, bias, true);
    }

    /** The same without the Softmax: raw logits, which tileinfer refuses to import. */
    public static byte[] logits(float[][] weights, float[] bias) {
        return build(weights, bias, false);
    }

    /**
     * A model with spatial context: softmax of a {@code side x side} box filter per class, {@code weights[k][c] / side²}
     * at every position of the window, plus {@code bias[k]}; zero padding where the window passes the input's edge,
     * so a pixel near a tile's edge gets another value than the same pixel inside a tile (a seam when cropped).
     */
    public static byte[] boxFilterSoftmax(float[][] weights, float[] bias, int side) {
        return build(weights, bias, true, side);
    }

    /** {@link #softmaxClassifier} exported with a fixed input and output height and width of {@code fixedSide}. */
    public static byte[] fixedSideClassifier(float[][] weights, float[] bias, int fixedSide) {
        return build(weights, bias, true, 1, fixedSide);
    }

    /** {@code onnx} with its graph's input and output tensors renamed, as another exporter might name them. */
    public static byte[] renamed(byte[] onnx, String input, String output) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model", e);
        }
        GraphProto.Builder graph = model.getGraph().toBuilder();
        String oldInput = graph.getInput(0).getName();
        String oldOutput = graph.getOutput(0).getName();
        graph.setInput(0, graph.getInput(0).toBuilder().setName(input));
        graph.setOutput(0, graph.getOutput(0).toBuilder().setName(output));
        for (NodeProto.Builder node : graph.getNodeBuilderList()) {
            for (int i = 0; i < node.getInputCount(); i++) {
                if (node.getInput(i).equals(oldInput)) {
                    node.setInput(i, input);
                }
            }
            for (int i = 0; i < node.getOutputCount(); i++) {
                if (node.getOutput(i).equals(oldOutput)) {
                    node.setOutput(i, output);
                }
            }
        }
        return model.toBuilder().setGraph(graph).build().toByteArray();
    }

    private static byte[] build(float[][] weights, float[] bias, boolean softmax) {
        return build(weights, bias, softmax, 1);
    }

    private static byte[] build(float[][] weights, float[] bias, boolean softmax, int side) {
        return build(weights, bias, softmax, side, 0);
    }

    /** {@code fixedSide} 0: dynamic height and width. */
    private static byte[] build(float[][] weights, float[] bias, boolean softmax, int side, int fixedSide) {
        int classes = weights.length;
        int channels = weights[0].length;
        TensorProto.Builder kernel = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(classes).addDims(channels).addDims(side).addDims(side);
        for (float[] row : weights) {
            for (float w : row) {
                for (int i = 0; i < side * side; i++) {
                    kernel.addFloatData(w / (side * side));
                }
            }
        }
        TensorProto.Builder biasTensor = TensorProto.newBuilder().setName("B")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(classes);
        for (float b : bias) {
            biasTensor.addFloatData(b);
        }
        GraphProto.Builder graph = GraphProto.newBuilder().setName("tiny")
                .addInput(tensor("input", channels, fixedSide)).addInitializer(kernel).addInitializer(biasTensor)
                .addNode(conv(side).addInput("input").addInput("W").addInput("B")
                        .addOutput(softmax ? "logits" : "probabilities"));
        if (softmax) {
            graph.addNode(NodeProto.newBuilder().setOpType("Softmax").setName("softmax").addInput("logits")
                    .addOutput("probabilities").addAttribute(AttributeProto.newBuilder().setName("axis")
                            .setType(AttributeProto.AttributeType.INT).setI(1)));
        }
        graph.addOutput(tensor("probabilities", classes, fixedSide));
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("tileinfer-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph).build().toByteArray();
    }

    private static NodeProto.Builder conv(int side) {
        NodeProto.Builder conv = NodeProto.newBuilder().setOpType("Conv").setName("conv");
        if (side > 1) {
            conv.addAttribute(AttributeProto.newBuilder().setName("kernel_shape")
                    .setType(AttributeProto.AttributeType.INTS).addInts(side).addInts(side));
            conv.addAttribute(AttributeProto.newBuilder().setName("pads").setType(AttributeProto.AttributeType.INTS)
                    .addInts(side / 2).addInts(side / 2).addInts(side / 2).addInts(side / 2));
        }
        return conv;
    }

    private static ValueInfoProto tensor(String name, int channels, int fixedSide) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(channels))
                .addDim(side(fixedSide, "H"))
                .addDim(side(fixedSide, "W"));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }

    private static TensorShapeProto.Dimension side(int fixedSide, String name) {
        return fixedSide > 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(fixedSide).build()
                : TensorShapeProto.Dimension.newBuilder().setDimParam(name).build();
    }
}
