package io.tileinfer.core.tile;

import io.tileinfer.raster.Window;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a scene into tiles of {@code size} pixels whose cores advance by {@code size - 2 * halo}, row by row
 * from the top-left; edge tiles are padded, never dropped.
 */
public record TileGrid(int sceneWidth, int sceneHeight, int size, int halo) {

    public TileGrid {
        if (size <= 2 * halo) {
            throw new IllegalArgumentException("tile size " + size + " must exceed twice the halo " + halo);
        }
    }

    public int step() {
        return size - 2 * halo;
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
        for (int row = 0; row < rows(); row++) {
            for (int col = 0; col < columns(); col++) {
                Window core = new Window(col * step(), row * step(), step(), step()).intersect(scene);
                Window input = new Window(core.x() - halo, core.y() - halo, size, size);
                tiles.add(new Tile(Tile.id(sceneId, core), tiles.size(), core, input));
            }
        }
        return tiles;
    }
}
