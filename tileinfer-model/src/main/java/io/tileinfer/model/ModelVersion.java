package io.tileinfer.model;

import java.io.UncheckedIOException;
import java.nio.file.Path;

/** One immutable registered model: its id, its ONNX file, its card and the SHA-256 of the ONNX bytes. */
public record ModelVersion(String id, Path onnxPath, ModelCard card, String onnxSha256) {

    /**
     * Checks that the ONNX file is the one registered (its SHA-256, as {@code models verify} does), so that a
     * damaged or replaced file is refused before a run records anything rather than when the model session opens.
     */
    public void requireIntact() {
        String actual;
        try {
            actual = Sha256.ofFile(onnxPath);
        } catch (UncheckedIOException e) {
            throw new ModelException(id + ": " + e.getMessage() + ", expected the registered model (run tileinfer "
                    + "models verify)", e);
        }
        if (!actual.equals(onnxSha256)) {
            throw new ModelException(onnxPath + ": SHA-256 " + actual + ", registered as " + onnxSha256 + " for "
                    + id + " (the file changed after registration; run tileinfer models verify)");
        }
    }
}
