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
        requireSha256(actual);
    }

    /** Refuses {@code actual}, the SHA-256 just computed over the ONNX file, unless it is the registered one. */
    public void requireSha256(String actual) {
        String changed = sha256Changed(onnxPath.toString(), actual, onnxSha256);
        if (changed != null) {
            throw new ModelException(changed + " (run tileinfer models verify)");
        }
    }

    /** "FILE: SHA-256 ACTUAL, registered as REGISTERED: the file changed...", or null when the two are equal. */
    static String sha256Changed(String file, String actual, String registered) {
        return actual.equals(registered) ? null : file + ": SHA-256 " + actual + ", registered as " + registered
                + ": the file changed after registration";
    }
}
