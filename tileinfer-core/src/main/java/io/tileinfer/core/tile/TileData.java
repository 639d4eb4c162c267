package io.tileinfer.core.tile;

/**
 * A tile's input as the model gets it: raw band-sequential values {@code [C][size][size]} (padding is 0),
 * which pixels are valid (inside the scene, no band at nodata), and the SHA-256 of the window read.
 */
public record TileData(Tile tile, float[] raw, boolean[] valid, int validCorePixels, String inputSha256) {

    public boolean empty() {
        return validCorePixels == 0;
    }
}
