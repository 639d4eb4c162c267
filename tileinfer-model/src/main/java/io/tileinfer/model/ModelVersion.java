package io.tileinfer.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One immutable registered model: its id, its ONNX file, its card and the SHA-256 of the ONNX bytes. */
public record ModelVersion(String id, Path onnxPath, ModelCard card, String onnxSha256) {

    /**
     * Checks that the ONNX file and the card are the ones registered, so that a damaged or replaced file is refused
     * before a run records anything rather than when the model session opens, and a changed card (its scaling, its
     * classes) is never run under the version id of another.
     */
    public void requireIntact() {
        byte[] onnx;
        try {
            onnx = Files.readAllBytes(onnxPath);
        } catch (IOException e) {
            throw new ModelException(id + ": " + ModelException.cannotReadMessage(onnxPath, "the model", e)
                    + ", expected the registered model (run tileinfer models verify)", e);
        }
        requireIntact(onnx);
    }

    /**
     * As {@link #requireIntact()} for the ONNX bytes just read: their SHA-256 is the registered one, and with the card
     * they give this version's id (the id covers both: a card or a SHA256SUMS edited by hand does not).
     */
    public void requireIntact(byte[] onnx) {
        requireSha256(Sha256.hex(onnx));
        String given = ModelRegistry.versionId(onnx, card);
        if (!given.equals(id)) {
            throw new ModelException(onnxPath.resolveSibling(ModelRegistry.CARD_FILE) + ": the model's files give "
                    + "the version id " + given + ", registered as " + id + ": they changed after registration (run "
                    + "tileinfer models verify)");
        }
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
