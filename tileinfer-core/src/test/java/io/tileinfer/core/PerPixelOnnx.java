package io.tileinfer.core;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/** Builds small per-pixel ONNX models for tests: a 1x1 convolution and a softmax over classes. */
public final class PerPixelOnnx {
    private PerPixelOnnx() {
    }

    /** {@code input [N,C,H,W] -> probabilities [N,K,H,W]} with {@code weights[k][c]} and {@code bias[k]}. */
    public static byte[] build(float[][] weights, float[] bias) {
        int k = weights.length;
        int c = weights[0].length;
        TensorProto.Builder w = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(k).addDims(c).addDims(1).addDims(1);
        for (float[] row : weights) {
            for (float v : row) {
                w.addFloatData(v);
            }
        }
        TensorProto.Builder b = TensorProto.newBuilder().setName("B").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(k);
        for (float v : bias) {
            b.addFloatData(v);
        }
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder()
                .setName("per_pixel")
                .addInitializer(w)
                .addInitializer(b)
                .addInput(tensor("input", c))
                .addOutput(tensor("probabilities", k))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Conv").setName("conv")
                        .addInput("input").addInput("W").addInput("B").addOutput("logits"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Softmax").setName("softmax")
                        .addInput("logits").addOutput("probabilities")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(1)
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)))
                .build();
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(7)
                .setProducerName("tileinfer-tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static ValueInfoProto tensor(String name, int channels) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(channels))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("H"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("W"));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
