package io.tileinfer.model;

import java.util.List;
import java.util.Map;

/** Cards for tests. */
final class Cards {

    private Cards() {
    }

    /** Two bands (raw * 0.5 + 1, raw * 1 + 0), two classes. */
    static ModelCard twoBandTwoClass() {
        return new ModelCard("tiny", null, List.of("semantic-segmentation"), "onnxruntime", "1.29.0",
                List.of(new BandSpec("B4", "red", 0.5, 1), new BandSpec("B5", "nir08", 1, 0)), "uint16",
                List.of(-1L, 2L, -1L, -1L),
                List.of(new ClassSpec(0, "clear", "#1f77b4"), new ClassSpec(1, "cloud", "#ffffff")), 16, 0,
                List.of(new TrainingFile("data/B4.tif", "ab".repeat(32))), 7,
                Map.of("architecture", "1x1 conv + softmax", "epochs", 3, "learningRate", 0.25),
                Map.of("model", Map.of("f1", 0.9)), Map.of("onnxruntime", "1.29.0"));
    }

    static ModelCard withName(ModelCard card, String name) {
        return new ModelCard(name, card.version(), card.tasks(), card.framework(), card.frameworkVersion(),
                card.bands(), card.inputDataType(), card.inputShape(), card.classes(), card.tileSize(), card.halo(),
                card.trainingData(), card.seed(), card.hyperParameters(), card.metrics(), card.libraryVersions(),
                card.tensorNames());
    }

    static ModelCard withTensorNames(ModelCard card, TensorNames names) {
        return new ModelCard(card.name(), card.version(), card.tasks(), card.framework(), card.frameworkVersion(),
                card.bands(), card.inputDataType(), card.inputShape(), card.classes(), card.tileSize(), card.halo(),
                card.trainingData(), card.seed(), card.hyperParameters(), card.metrics(), card.libraryVersions(),
                names);
    }

    static ModelCard withMetrics(ModelCard card, Map<String, Object> metrics) {
        return new ModelCard(card.name(), card.version(), card.tasks(), card.framework(), card.frameworkVersion(),
                card.bands(), card.inputDataType(), card.inputShape(), card.classes(), card.tileSize(), card.halo(),
                card.trainingData(), card.seed(), card.hyperParameters(), metrics, card.libraryVersions(),
                card.tensorNames());
    }
}
