package io.tileinfer.train;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Builds a small ONNX model that computes each pixel of a tile on its own: float32 input {@value #INPUT}
 * [N, bands, H, W] to float32 output {@value #OUTPUT} [N, classes, H, W], with batch, height and width symbolic
 * (the names and layout that model cards, readers and the API use). IR version 7, opset 13.
 * <p>
 * Constants and nodes keep the order they are added in, so the bytes depend only on the calls.
 */
public final class OnnxPixelGraph {

    public static final String INPUT = "input";
    public static final String OUTPUT = "probabilities";
    private static final int IR_VERSION = 7;
    private static final int OPSET = 13;

    private final GraphProto.Builder graph;

    public OnnxPixelGraph(String name, int bands, int classes) {
        graph = GraphProto.newBuilder().setName(name).addInput(nchw(INPUT, bands)).addOutput(nchw(OUTPUT, classes));
    }

    /** A float32 constant (initializer) of the given shape, values in row-major order. */
    public OnnxPixelGraph floatConstant(String name, long[] shape, float... values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long dim : shape) {
            tensor.addDims(dim);
        }
        for (float value : values) {
            tensor.addFloatData(value);
        }
        graph.addInitializer(tensor);
        return this;
    }

    /** A one-dimensional int64 constant, such as ReduceSum's axes (an input since opset 13, no longer an attribute). */
    public OnnxPixelGraph int64Constant(String name, long... values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long value : values) {
            tensor.addInt64Data(value);
        }
        graph.addInitializer(tensor);
        return this;
    }

    /** A node named after its single output. */
    public OnnxPixelGraph node(String op, String output, String... inputs) {
        graph.addNode(newNode(op, output, inputs));
        return this;
    }

    /** A node named after its single output, with one attribute ({@link #axis} or {@link #axes}). */
    public OnnxPixelGraph node(String op, String output, AttributeProto attribute, String... inputs) {
        graph.addNode(newNode(op, output, inputs).addAttribute(attribute));
        return this;
    }

    /** The attribute {@code axis} (Concat, Softmax); 1 is the channel axis. */
    public static AttributeProto axis(long axis) {
        return AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(axis)
                .build();
    }

    /** The attribute {@code axes} of ReduceMax, which (unlike ReduceSum) still takes it in opset 13. */
    public static AttributeProto axes(long... axes) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName("axes")
                .setType(AttributeProto.AttributeType.INTS);
        for (long axis : axes) {
            attribute.addInts(axis);
        }
        return attribute.build();
    }

    /** The serialised model, {@code producer} naming what wrote it. */
    public byte[] toModelBytes(String producer) {
        return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName(producer)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph).build().toByteArray();
    }

    private static NodeProto.Builder newNode(String op, String output, String... inputs) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
        for (String input : inputs) {
            node.addInput(input);
        }
        return node;
    }

    /** A float32 [N, channels, H, W] tensor with symbolic batch, height and width. */
    private static ValueInfoProto nchw(String name, int channels) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(channels))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("height"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("width"));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }
}
