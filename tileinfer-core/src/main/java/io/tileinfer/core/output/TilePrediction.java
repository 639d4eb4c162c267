package io.tileinfer.core.output;

import io.tileinfer.core.tile.Tile;

/**
 * A tile's prediction, cropped to its core window: {@code bands[0]} is the class map, {@code bands[1..K]} the
 * class probabilities in percent (when kept); every band is row-major uint8 with {@link #NODATA} where the input
 * had no valid data. {@code classCounts} counts valid core pixels per class. When the run blends,
 * {@code keptProbabilities} holds the probabilities over the tile's kept window, a plane a class
 * ({@link Postprocessor#kept}),
 * else it is null.
 */
public record TilePrediction(Tile tile, byte[][] bands, long[] classCounts, float[][] keptProbabilities) {
    public static final int NODATA = 255;

    public TilePrediction(Tile tile, byte[][] bands, long[] classCounts) {
        this(tile, bands, classCounts, null);
    }

    public TilePrediction withKeptProbabilities(float[][] probabilities) {
        return new TilePrediction(tile, bands, classCounts, probabilities);
    }

    public long validPixels() {
        long total = 0;
        for (long count : classCounts) {
            total += count;
        }
        return total;
    }
}
