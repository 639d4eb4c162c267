package io.tileinfer.core.output;

import io.tileinfer.core.tile.TileData;
import io.tileinfer.raster.Window;

import java.util.Arrays;

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

    /**
     * The first NaN or infinite value of a tile's {@code [K][size][size]} probabilities from {@code offset}, as a
     * message shows it ("NaN for class 1 at pixel (3, 5)"), or null when all are finite: argmax would turn such a
     * value into some class, so no class map may be made from it.
     */
    public String firstNonFinite(float[] probabilities, int offset) {
        int plane = size * size;
        // v - v is 0 for a finite v and NaN otherwise, and Math.min keeps a NaN: a reduction the JIT vectorises,
        // several times faster than the search below, which only runs when there is something to find
        float any = 0f;
        for (int i = 0; i < classes * plane; i++) {
            float value = probabilities[offset + i];
            any = Math.min(any, value - value);
        }
        if (any == 0f) {
            return null;
        }
        for (int i = 0; i < classes * plane; i++) {
            float value = probabilities[offset + i];
            if (!Float.isFinite(value)) {
                int pixel = i % plane;
                return value + " for class " + i / plane + " at pixel (" + pixel % size + ", " + pixel / size + ")";
            }
        }
        return null;
    }

    /** {@code probabilities} holds {@code [K][size][size]} for this tile starting at {@code offset}. */
    public TilePrediction crop(TileData data, float[] probabilities, int offset) {
        Window core = data.tile().core();
        int x0 = core.x() - data.tile().input().x();
        int y0 = core.y() - data.tile().input().y();
        int width = core.width();
        int pixels = width * core.height();
        int plane = size * size;
        byte[][] bands = new byte[bandCount()][pixels];
        byte[] classMap = bands[0];
        // Plane by plane, so that each loop streams through memory (and the JIT can vectorise); in one go when the
        // core's rows follow each other in the tile (no halo): loops of 256 values cost twice as much per value.
        if (width == size) {
            classify(probabilities, offset + y0 * size + x0, plane, bands, 0, pixels);
        } else {
            for (int r = 0; r < core.height(); r++) {
                classify(probabilities, offset + (y0 + r) * size + x0, plane, bands, r * width, width);
            }
        }
        long[] counts = new long[classes];
        boolean[] valid = data.valid();
        boolean allValid = data.validCorePixels() == pixels;
        if (allValid && classes == 2) { // the class map is 0s and 1s: its sum counts the 1s (vectorised)
            int ones = 0;
            for (int i = 0; i < pixels; i++) {
                ones += classMap[i];
            }
            counts[0] = pixels - ones;
            counts[1] = ones;
            return new TilePrediction(data.tile(), bands, counts);
        }
        for (int r = 0; r < core.height(); r++) {
            int src = (y0 + r) * size + x0;
            int dst = r * width;
            for (int c = 0; c < width; c++) {
                if (allValid || valid[src + c]) {
                    counts[classMap[dst + c] & 0xFF]++;
                } else {
                    nodata(bands, dst + c);
                }
            }
        }
        return new TilePrediction(data.tile(), bands, counts);
    }

    /**
     * The output bands of {@code width} pixels: the class map (argmax, ties to the lower class) into {@code bands[0]}
     * from {@code dst}, and when kept the percents into the others, from the probabilities at {@code src} of a
     * {@code [K][plane]} array. How both a tile's crop and a blended scene turn probabilities into bytes.
     */
    void classify(float[] probabilities, int src, int plane, byte[][] bands, int dst, int width) {
        argmax(probabilities, src, plane, bands[0], dst, width);
        if (keepProbabilities) {
            for (int k = 0; k < classes; k++) {
                percent(probabilities, src + k * plane, bands[k + 1], dst, width);
            }
        }
    }

    int bandCount() {
        return keepProbabilities ? classes + 1 : 1;
    }

    /** Marks a pixel nodata in every band. */
    static void nodata(byte[][] bands, int pixel) {
        for (byte[] band : bands) {
            band[pixel] = (byte) TilePrediction.NODATA;
        }
    }

    /**
     * The tile's probabilities over its kept window, {@code [K][kept pixel]} row-major, NaN where the input had no
     * valid data: what blending takes from a tile ({@link ProbabilityChunks}).
     */
    public float[][] kept(TileData data, float[] probabilities, int offset) {
        Window kept = data.tile().kept();
        int x0 = kept.x() - data.tile().input().x();
        int y0 = kept.y() - data.tile().input().y();
        int width = kept.width();
        int pixels = width * kept.height();
        int plane = size * size;
        float[][] values = new float[classes][pixels];
        boolean[] valid = data.valid();
        for (int k = 0; k < classes; k++) {
            for (int r = 0; r < kept.height(); r++) {
                int src = offset + k * plane + (y0 + r) * size + x0;
                int dst = r * width;
                System.arraycopy(probabilities, src, values[k], dst, width);
                for (int c = 0; c < width; c++) {
                    if (!valid[(y0 + r) * size + x0 + c]) {
                        values[k][dst + c] = Float.NaN;
                    }
                }
            }
        }
        return values;
    }

    private void argmax(float[] probabilities, int src, int plane, byte[] classMap, int dst, int width) {
        if (classes == 2) {
            for (int c = 0; c < width; c++) {
                // ties keep the lower class: deterministic
                classMap[dst + c] = probabilities[src + plane + c] > probabilities[src + c] ? (byte) 1 : (byte) 0;
            }
            return;
        }
        Arrays.fill(classMap, dst, dst + width, (byte) 0);
        for (int c = 0; c < width; c++) {
            int best = 0;
            float bestP = probabilities[src + c];
            for (int k = 1; k < classes; k++) {
                float p = probabilities[src + k * plane + c];
                if (p > bestP) { // ties keep the lower class: deterministic
                    best = k;
                    bestP = p;
                }
            }
            classMap[dst + c] = (byte) best;
        }
    }

    private static void percent(float[] probabilities, int src, byte[] band, int dst, int width) {
        for (int c = 0; c < width; c++) {
            float p = probabilities[src + c];
            float percent = Math.min(1f, Math.max(0f, p)) * 100f;
            // Math.round(percent) for 0 <= percent <= 100 (and 0 for NaN, as Math.round): adding 0.5 is exact in
            // double and truncation is floor here; unlike Math.round's, this loop vectorises.
            band[dst + c] = (byte) (int) (percent + 0.5d);
        }
    }
}
