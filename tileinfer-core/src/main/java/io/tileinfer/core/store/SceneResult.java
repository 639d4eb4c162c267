package io.tileinfer.core.store;

/** A scene's outcome within a run; {@code error} holds the validation issues of a scene that failed them. */
public record SceneResult(String runId, String sceneId, SceneStatus status, String error, int tiles,
                          String output, String outputSha256) {
}
