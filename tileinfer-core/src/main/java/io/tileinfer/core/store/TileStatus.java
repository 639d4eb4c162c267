package io.tileinfer.core.store;

/** A tile's outcome. DONE and SKIPPED are final: a resumed run does not compute them again. */
public enum TileStatus {
    DONE, SKIPPED, FAILED;

    public boolean finished() {
        return this != FAILED;
    }
}
