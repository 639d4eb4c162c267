package io.tileinfer.train;

import io.tileinfer.model.ModelCard;

/** A trained model: the ONNX bytes to register, its card (with metrics), the evaluation and the Tribuo model. */
public record TrainingResult(byte[] onnx, ModelCard card, Evaluation evaluation, PixelClassifier classifier) {
}
