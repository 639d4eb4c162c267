package io.tileinfer.core.tile;

import io.tileinfer.raster.Window;

import java.io.Serializable;

/**
 * One tile of a scene. The model sees {@code input}, a window of the tile size that extends {@code core} by
 * the halo on every side and may reach past the scene's edge (padded); only {@code core} is kept in the output,
 * so neighbouring tiles' cores partition the scene without overlap and the stitched output has no seams.
 */
public record Tile(String id, int index, Window core, Window input) implements Serializable {

    /** Deterministic: the scene id and the core window. */
    public static String id(String sceneId, Window core) {
        return sceneId + "/x" + core.x() + "_y" + core.y() + "_" + core.width() + "x" + core.height();
    }
}
