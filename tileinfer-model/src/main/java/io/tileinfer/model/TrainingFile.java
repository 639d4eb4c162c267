package io.tileinfer.model;

import java.util.Objects;

/** A file a model was trained on, with the SHA-256 of its bytes (lower-case hex). */
public record TrainingFile(String path, String sha256) {

    public TrainingFile {
        Objects.requireNonNull(path, "training file path");
        Objects.requireNonNull(sha256, "training file sha256");
    }
}
