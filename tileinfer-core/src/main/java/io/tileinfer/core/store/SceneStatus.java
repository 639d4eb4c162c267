package io.tileinfer.core.store;

/** DONE: every tile done or skipped; PARTIAL: some tiles failed; FAILED: the scene could not be processed. */
public enum SceneStatus {
    DONE, PARTIAL, FAILED
}
