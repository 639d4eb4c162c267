package io.tileinfer.core.output;

import io.tileinfer.core.tile.TileData;
import io.tileinfer.raster.Window;

/** Turns a tile's class probabilities into its cropped class map and percent probabilities. */
public final class Postprocessor {
    private final int classes;
    private final int size;
    private final boolean keepProbabilities;

    public Postprocessor(int classes, int size, boolean keepProbabilities) {
        this.classes = classes;
        this.size = size;
        this.keepProbabilities = keepProbabilities;
    }

    /** {@code probabilities} holds {@code [K][size][size]} for this tile starting at {@code offset}. */
    public TilePrediction crop(TileData data, float[] probabilities, int offset) {
        Window core = data.tile().core();
        int x0 = core.x() - data.tile().input().x();
        int y0 = core.y() - data.tile().input().y();
        int pixels = core.width() * core.height();
        int plane = size * size;
        byte[][] bands = new byte[keepProbabilities ? classes + 1 : 1][pixels];
        long[] counts = new long[classes];
        boolean[] valid = data.valid();
        for (int r = 0; r < core.height(); r++) {
            for (int c = 0; c < core.width(); c++) {
                int src = (y0 + r) * size + x0 + c;
                int dst = r * core.width() + c;
                if (!valid[src]) {
                    for (byte[] band : bands) {
                        band[dst] = (byte) TilePrediction.NODATA;
                    }
                    continue;
                }
                int best = 0;
                float bestP = probabilities[offset + src];
                for (int k = 1; k < classes; k++) {
                    float p = probabilities[offset + k * plane + src];
                    if (p > bestP) { // ties keep the lower class: deterministic
                        best = k;
                        bestP = p;
                    }
                }
                bands[0][dst] = (byte) best;
                counts[best]++;
                if (keepProbabilities) {
                    for (int k = 0; k < classes; k++) {
                        float p = probabilities[offset + k * plane + src];
                        bands[k + 1][dst] = (byte) Math.round(Math.min(1f, Math.max(0f, p)) * 100f);
                    }
                }
            }
        }
        return new TilePrediction(data.tile(), bands, counts);
    }
}
