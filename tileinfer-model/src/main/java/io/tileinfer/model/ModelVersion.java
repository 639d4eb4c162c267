package io.tileinfer.model;

import java.nio.file.Path;

/** One immutable registered model: its id, its ONNX file, its card and the SHA-256 of the ONNX bytes. */
public record ModelVersion(String id, Path onnxPath, ModelCard card, String onnxSha256) {
}
