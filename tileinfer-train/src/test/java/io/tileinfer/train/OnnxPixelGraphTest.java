package io.tileinfer.train;

import io.tileinfer.model.BandSpec;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelOptions;
import io.tileinfer.model.TileModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** A graph built with {@link OnnxPixelGraph} loads in ONNX Runtime against a card and computes what it says. */
class OnnxPixelGraphTest {

    @Test
    void convolutionAndSoftmaxRunPerPixel() {
        // cloud logit = x1 + x2 - 1, clear logit = 0: P(cloud) = sigmoid(x1 + x2 - 1)
        byte[] onnx = new OnnxPixelGraph("test", 2, 2)
                .floatConstant("W", new long[]{2, 2, 1, 1}, 0, 0, 1, 1)
                .floatConstant("B", new long[]{2}, 0, -1)
                .node("Conv", "logits", OnnxPixelGraph.INPUT, "W", "B")
                .node("Softmax", OnnxPixelGraph.OUTPUT, OnnxPixelGraph.axis(1), "logits")
                .toModelBytes("test");
        ModelCard card = new ModelCard("test", null, List.of("semantic-segmentation"), "onnxruntime", "1.29.0",
                List.of(new BandSpec("B2", "blue", 1, 0), new BandSpec("B3", "green", 1, 0)), "float32",
                List.of(-1L, 2L, -1L, -1L), List.of(new ClassSpec(0, "clear", "#000000"),
                new ClassSpec(1, "cloud", "#ffffff")), 256, 0, List.of(), 1, Map.of(), Map.of(), Map.of());

        try (TileModel model = TileModel.load(onnx, card, ModelOptions.defaults())) {
            // one tile of 1 x 2 pixels, (0.5, 0.5) and (1, 1); band-sequential in, class-sequential out
            float[] probabilities = model.predict(new float[]{0.5f, 1, 0.5f, 1}, 1, 1, 2);

            float cloud = (float) (1 / (1 + Math.exp(-1)));
            assertArrayEquals(new float[]{0.5f, 1 - cloud, 0.5f, cloud}, probabilities, 1e-6f);
        }
    }
}
