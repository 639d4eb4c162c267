package io.tileinfer.train;

import java.util.Arrays;

import static io.tileinfer.train.OnnxPixelGraph.INPUT;
import static io.tileinfer.train.OnnxPixelGraph.OUTPUT;

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

    private OnnxExport() {
    }

    static byte[] export(PixelClassifier classifier, String modelName) {
        PixelFeatures features = classifier.features();
        double[][] weights = classifier.weightsWithBias();
        int channels = features.bandCount();
        int classes = weights.length;
        int bias = features.featureCount();

        OnnxPixelGraph graph = new OnnxPixelGraph(modelName, channels, classes);
        long[] perChannel = {1, channels, 1, 1};
        graph.floatConstant("standard_scale", perChannel, features.standardScale());
        graph.floatConstant("standard_offset", perChannel, features.standardOffset());
        graph.node("Mul", "z_scaled", INPUT, "standard_scale");
        graph.node("Add", "z", "z_scaled", "standard_offset");

        float[] classBias = new float[classes];
        for (int k = 0; k < classes; k++) {
            classBias[k] = (float) weights[k][bias];
        }
        graph.floatConstant("class_bias", new long[]{classes}, classBias);
        if (features.set() == FeatureSet.LINEAR) {
            float[] linear = new float[classes * channels];
            for (int k = 0; k < classes; k++) {
                for (int i = 0; i < channels; i++) {
                    linear[k * channels + i] = (float) weights[k][i];
                }
            }
            graph.floatConstant("linear_weights", new long[]{classes, channels, 1, 1}, linear);
            graph.node("Conv", "logits", "z", "linear_weights", "class_bias");
        } else {
            addQuadraticForm(graph, features, weights);
        }

        graph.int64Constant("class_axis", 1);
        graph.node("ReduceMax", "logits_max", OnnxPixelGraph.axes(1), "logits");
        graph.node("Sub", "logits_shifted", "logits", "logits_max");
        graph.node("Exp", "exp", "logits_shifted");
        graph.node("ReduceSum", "exp_sum", "exp", "class_axis");
        graph.node("Div", OUTPUT, "exp", "exp_sum");
        return graph.toModelBytes("tileinfer-train");
    }

    private static void addQuadraticForm(OnnxPixelGraph graph, PixelFeatures features, double[][] weights) {
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
        graph.floatConstant("quadratic_weights", new long[]{(long) classes * channels, channels, 1, 1}, quadratic);
        graph.floatConstant("linear_weights", new long[]{(long) classes * channels}, linear);
        graph.floatConstant("class_sum", new long[]{classes, (long) classes * channels, 1, 1}, groupSum);
        graph.node("Conv", "per_class_terms", "z", "quadratic_weights", "linear_weights");
        String[] zPerClass = new String[classes];
        Arrays.fill(zPerClass, "z");
        graph.node("Concat", "z_per_class", OnnxPixelGraph.axis(1), zPerClass);
        graph.node("Mul", "per_class_products", "per_class_terms", "z_per_class");
        graph.node("Conv", "logits", "per_class_products", "class_sum", "class_bias");
    }
}
