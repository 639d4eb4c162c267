package io.tileinfer.core.tile;

import io.tileinfer.raster.Window;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TileGridTest {

    @Test
    void coresPartitionTheSceneExactlyOnceAndEdgeTilesArePadded() {
        TileGrid grid = new TileGrid(627, 603, 256, 16);
        List<Tile> tiles = grid.tiles("s");
        assertEquals(3 * 3, tiles.size());
        int[] cover = new int[627 * 603];
        for (Tile tile : tiles) {
            Window core = tile.core();
            assertEquals(256, tile.input().width());
            assertEquals(core.x() - 16, tile.input().x());
            for (int y = core.y(); y < core.y() + core.height(); y++) {
                for (int x = core.x(); x < core.x() + core.width(); x++) {
                    cover[y * 627 + x]++;
                }
            }
        }
        for (int c : cover) {
            assertEquals(1, c);
        }
        Tile last = tiles.getLast();
        assertEquals(new Window(448, 448, 179, 155), last.core());
    }

    @Test
    void idsAreDeterministicAndUnique() {
        List<Tile> a = new TileGrid(1000, 700, 128, 8).tiles("scene-1");
        List<Tile> b = new TileGrid(1000, 700, 128, 8).tiles("scene-1");
        assertEquals(a, b);
        Set<String> ids = new HashSet<>();
        a.forEach(t -> assertTrue(ids.add(t.id())));
        assertEquals("scene-1/x0_y0_112x112", a.getFirst().id());
    }
}
