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

import java.util.Arrays;

/**
 * Writes a trained {@link PixelClassifier} as an ONNX graph over whole tiles, input [N, C, H, W] (the card's
 * scaled bands) to probabilities [N, K, H, W]:
 * <pre>
 * z = input * standard_scale + standard_offset          standardisation, per channel [1, C, 1, 1]
 * LINEAR:    logits = Conv(z, W [K, C, 1, 1], b)
 * QUADRATIC: logits_k = b_k + sum_i z_i * (w_ki + sum_j M_kij z_j), M_k upper-triangular:
 *            A = Conv(z, M [K*C, C, 1, 1], w [K*C]);  P = A * Concat(z, ..., z);  logits = Conv(P, S, b)
 *            where S [K, K*C, 1, 1] sums each class's C channels
 * probabilities = exp(logits - max_k logits) / sum_k exp(...)
 * </pre>
 * The quadratic form is the same function as Tribuo's linear model over the products z_i * z_j (i <= j), but
 * costs a 1x1 convolution to K*C channels instead of materialising C(C+1)/2 product channels (measured about
 * 2.5 times faster). The softmax is spelled out because ONNX Runtime's Softmax on axis 1 of NCHW transposes
 * the tensor and took longer than the whole linear model. Tribuo's own exporter writes row-wise graphs
 * ([pixels, features]); convolutions keep the tile layout that readers produce. Opset 13; the bytes depend only
 * on the weights.
 */
final class OnnxExport {

    static final String INPUT = "input";
    static final String OUTPUT = "probabilities";
    private static final int OPSET = 13;
    private static final int IR_VERSION = 7;

    private OnnxExport() {
    }

    static byte[] export(PixelClassifier classifier, String modelName) {
        PixelFeatures features = classifier.features();
        double[][] weights = classifier.weightsWithBias();
        int channels = features.bandCount();
        int classes = weights.length;
        int bias = features.featureCount();

        GraphProto.Builder graph = GraphProto.newBuilder().setName(modelName)
                .addInput(nchw(INPUT, channels)).addOutput(nchw(OUTPUT, classes));
        long[] perChannel = {1, channels, 1, 1};
        graph.addInitializer(floats("standard_scale", perChannel, features.standardScale()));
        graph.addInitializer(floats("standard_offset", perChannel, features.standardOffset()));
        graph.addNode(node("Mul", "z_scaled", INPUT, "standard_scale"));
        graph.addNode(node("Add", "z", "z_scaled", "standard_offset"));

        float[] classBias = new float[classes];
        for (int k = 0; k < classes; k++) {
            classBias[k] = (float) weights[k][bias];
        }
        graph.addInitializer(floats("class_bias", new long[]{classes}, classBias));
        if (features.set() == FeatureSet.LINEAR) {
            float[] linear = new float[classes * channels];
            for (int k = 0; k < classes; k++) {
                for (int i = 0; i < channels; i++) {
                    linear[k * channels + i] = (float) weights[k][i];
                }
            }
            graph.addInitializer(floats("linear_weights", new long[]{classes, channels, 1, 1}, linear));
            graph.addNode(node("Conv", "logits", "z", "linear_weights", "class_bias"));
        } else {
            addQuadraticForm(graph, features, weights);
        }

        graph.addInitializer(longs("class_axis", new long[]{1}));
        graph.addNode(node("ReduceMax", "logits_max", "logits").addAttribute(AttributeProto.newBuilder()
                .setName("axes").setType(AttributeProto.AttributeType.INTS).addInts(1)));
        graph.addNode(node("Sub", "logits_shifted", "logits", "logits_max"));
        graph.addNode(node("Exp", "exp", "logits_shifted"));
        graph.addNode(node("ReduceSum", "exp_sum", "exp", "class_axis"));
        graph.addNode(node("Div", OUTPUT, "exp", "exp_sum"));

        return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("tileinfer-train")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph).build().toByteArray();
    }

    private static void addQuadraticForm(GraphProto.Builder graph, PixelFeatures features, double[][] weights) {
        int channels = features.bandCount();
        int classes = weights.length;
        float[] quadratic = new float[classes * channels * channels];
        float[] linear = new float[classes * channels];
        int[] left = features.productLeft();
        int[] right = features.productRight();
        for (int k = 0; k < classes; k++) {
            for (int i = 0; i < channels; i++) {
                linear[k * channels + i] = (float) weights[k][i];
            }
            for (int p = 0; p < left.length; p++) {
                quadratic[(k * channels + left[p]) * channels + right[p]] = (float) weights[k][channels + p];
            }
        }
        float[] groupSum = new float[classes * classes * channels];
        for (int k = 0; k < classes; k++) {
            for (int i = 0; i < channels; i++) {
                groupSum[(k * classes + k) * channels + i] = 1;
            }
        }
        graph.addInitializer(floats("quadratic_weights", new long[]{(long) classes * channels, channels, 1, 1},
                quadratic));
        graph.addInitializer(floats("linear_weights", new long[]{(long) classes * channels}, linear));
        graph.addInitializer(floats("class_sum", new long[]{classes, (long) classes * channels, 1, 1}, groupSum));
        graph.addNode(node("Conv", "per_class_terms", "z", "quadratic_weights", "linear_weights"));
        String[] zPerClass = new String[classes];
        Arrays.fill(zPerClass, "z");
        graph.addNode(node("Concat", "z_per_class", zPerClass).addAttribute(axis(1)));
        graph.addNode(node("Mul", "per_class_products", "per_class_terms", "z_per_class"));
        graph.addNode(node("Conv", "logits", "per_class_products", "class_sum", "class_bias"));
    }

    /** A node named after its single output. */
    private static NodeProto.Builder node(String op, String output, String... inputs) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
        for (String input : inputs) {
            node.addInput(input);
        }
        return node;
    }

    private static AttributeProto axis(long axis) {
        return AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(axis)
                .build();
    }

    private static TensorProto floats(String name, long[] dims, float[] values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        for (float value : values) {
            tensor.addFloatData(value);
        }
        return tensor.build();
    }

    private static TensorProto longs(String name, long[] values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long value : values) {
            tensor.addInt64Data(value);
        }
        return tensor.build();
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
