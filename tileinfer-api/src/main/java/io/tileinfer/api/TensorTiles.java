package io.tileinfer.api;

import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileData;
import io.tileinfer.raster.Window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An input tensor {@code [N, C, H, W]} cut into N tiles as batch's TileReader would read them: each is padded with 0
 * to a square of {@code size} pixels (the model's fixed side, else the larger of H and W; no padding for square
 * tiles), with the padding marked invalid so that it never reaches the outputs, and so is a pixel with a band at
 * that band's nodata (the card's: a tensor has no file to say another).
 */
final class TensorTiles {

    private TensorTiles() {
    }

    /** @param nodata each band's nodata value, or null for a band without one */
    static List<TileData> cut(float[] values, int n, int bands, int height, int width, int size, Double[] nodata) {
        int plane = height * width;
        List<TileData> tiles = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            float[] tileValues = Arrays.copyOfRange(values, t * bands * plane, (t + 1) * bands * plane);
            float[] raw = new float[bands * size * size];
            boolean[] valid = new boolean[size * size];
            for (int b = 0; b < bands; b++) {
                for (int row = 0; row < height; row++) {
                    System.arraycopy(tileValues, b * plane + row * width, raw, (b * size + row) * size, width);
                }
            }
            for (int row = 0; row < height; row++) {
                Arrays.fill(valid, row * size, row * size + width, true);
            }
            for (int b = 0; b < bands; b++) {
                if (nodata[b] != null) {
                    markNodata(tileValues, b * plane, nodata[b].floatValue(), valid, height, width, size);
                }
            }
            Window core = new Window(0, 0, width, height);
            Tile tile = new Tile("tensor/" + t, t, core, new Window(0, 0, size, size));
            tiles.add(new TileData(tile, raw, valid, validPixels(valid), ValueHash.sha256(tileValues)));
        }
        return tiles;
    }

    private static void markNodata(float[] band, int start, float nodata, boolean[] valid, int height, int width,
                                   int size) {
        for (int row = 0; row < height; row++) {
            for (int column = 0; column < width; column++) {
                if (band[start + row * width + column] == nodata) {
                    valid[row * size + column] = false;
                }
            }
        }
    }

    private static int validPixels(boolean[] valid) {
        int count = 0;
        for (boolean pixel : valid) {
            count += pixel ? 1 : 0;
        }
        return count;
    }
}
