package io.tileinfer.core.tile;

import io.tileinfer.raster.Window;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a scene into tiles of {@code size} pixels, row by row from the top-left; edge tiles are padded, never
 * dropped. Cores partition the scene and advance by {@link #step()}. With {@code overlap} 0 (crop) a tile keeps its
 * core; with an overlap (blend) it keeps its core grown by {@code overlap / 2} on every side, so that neighbours'
 * kept windows share a strip of {@code overlap} pixels where {@link #weights} ramp from one to the other. Either
 * way the kept window plus the halo on every side is the model's input of {@code size} pixels.
 */
public record TileGrid(int sceneWidth, int sceneHeight, int size, int halo, int overlap) {

    public TileGrid {
        if (size <= 2 * halo) {
            throw new IllegalArgumentException("tile size " + size + " must exceed twice the halo " + halo);
        }
        if (overlap < 0 || overlap % 2 != 0) {
            throw new IllegalArgumentException("an overlap of " + overlap + ": expected an even number of pixels, 0 or "
                    + "more");
        }
        String problem = overlapProblem(size, halo, overlap);
        if (problem != null) {
            throw new IllegalArgumentException("an overlap of " + overlap + " with tiles of " + size + " px and a "
                    + halo + " px halo: " + problem);
        }
    }

    /** A cropping grid: no overlap. */
    public TileGrid(int sceneWidth, int sceneHeight, int size, int halo) {
        this(sceneWidth, sceneHeight, size, halo, 0);
    }

    /**
     * The largest overlap for these tiles: half of what a tile keeps (rounded down to even), so that a tile's two
     * ramps never meet and no pixel is in more than two tiles along an axis.
     */
    public static int maxOverlap(int size, int halo) {
        return (size - 2 * halo) / 2 / 2 * 2;
    }

    /**
     * What is wrong with an overlap too large for these tiles, as the end of a message: "expected at most 24, half of
     * the 48 px a tile keeps" (or "the even number at most half of the 50 px ..."); null if it is not too large.
     */
    public static String overlapProblem(int size, int halo, int overlap) {
        int max = maxOverlap(size, halo);
        int kept = size - 2 * halo;
        return overlap <= max ? null : "expected at most " + max + ", " + (max * 2 == kept ? "half" : "the even number "
                + "at most half") + " of the " + kept + " px a tile keeps";
    }

    public int step() {
        return size - 2 * halo - overlap;
    }

    public int columns() {
        return Math.ceilDiv(sceneWidth, step());
    }

    public int rows() {
        return Math.ceilDiv(sceneHeight, step());
    }

    public int count() {
        return columns() * rows();
    }

    public List<Tile> tiles(String sceneId) {
        List<Tile> tiles = new ArrayList<>(count());
        Window scene = new Window(0, 0, sceneWidth, sceneHeight);
        int grow = overlap / 2;
        for (int row = 0; row < rows(); row++) {
            for (int col = 0; col < columns(); col++) {
                Window core = new Window(col * step(), row * step(), step(), step()).intersect(scene);
                Window kept = new Window(core.x() - grow, core.y() - grow, step() + overlap, step() + overlap);
                Window input = new Window(kept.x() - halo, kept.y() - halo, size, size);
                tiles.add(new Tile(Tile.id(sceneId, core), tiles.size(), core, kept.intersect(scene), input));
            }
        }
        return tiles;
    }

    /**
     * A tile's blend weights over its kept window, as two factors: {@code x()[i]} for its column {@code kept.x + i},
     * {@code y()[j]} for its row {@code kept.y + j}; the weight of a pixel is their product.
     */
    public record Weights(double[] x, double[] y) {
    }

    /**
     * Where a tile has a neighbour along an axis, its weight ramps over the shared strip: at {@code d} pixels from
     * its unclipped kept window's edge, {@code (d + 0.5) / overlap}; elsewhere 1. Two neighbours' weights sum to
     * exactly 1 in every pixel of their strip (also where the scene clips it), and four tiles' at a corner, since
     * the weights are products. With a power-of-two overlap every weight is a short binary fraction, so a weighted
     * sum of equal float32 values is exact in double.
     */
    public Weights weights(Tile tile) {
        int column = tile.index() % columns();
        int row = tile.index() / columns();
        return new Weights(
                ramp(tile.kept().x(), tile.kept().width(), tile.input().x() + halo, column > 0, column < columns() - 1),
                ramp(tile.kept().y(), tile.kept().height(), tile.input().y() + halo, row > 0, row < rows() - 1));
    }

    private double[] ramp(int start, int length, int unclippedStart, boolean before, boolean after) {
        int unclippedEnd = unclippedStart + size - 2 * halo; // exclusive
        double[] weights = new double[length];
        for (int i = 0; i < length; i++) {
            int position = start + i;
            int fromStart = position - unclippedStart;
            int fromEnd = unclippedEnd - 1 - position;
            weights[i] = before && fromStart < overlap ? (fromStart + 0.5) / overlap
                    : after && fromEnd < overlap ? (fromEnd + 0.5) / overlap : 1.0;
        }
        return weights;
    }
}
