package io.tileinfer.core.tile;

import io.tileinfer.raster.Window;

import java.io.Serializable;

/**
 * One tile of a scene. The model sees {@code input}, a window of the tile size that extends {@code kept} by the
 * halo on every side and may reach past the scene's edge (padded). {@code core} is the tile's share of a partition
 * of the scene: it names the tile and its row. {@code kept} is what its prediction contributes to the output:
 * the core itself when cropping (so the stitched output has no seams for a model whose context fits the halo), or
 * the core grown by half the overlap on every side (clipped to the scene) when blending with its neighbours.
 */
public record Tile(String id, int index, Window core, Window kept, Window input) implements Serializable {

    /** A cropped tile: what it keeps is its core. */
    public Tile(String id, int index, Window core, Window input) {
        this(id, index, core, core, input);
    }

    /** Deterministic: the scene id and the core window. */
    public static String id(String sceneId, Window core) {
        return sceneId + "/x" + core.x() + "_y" + core.y() + "_" + core.width() + "x" + core.height();
    }
}
