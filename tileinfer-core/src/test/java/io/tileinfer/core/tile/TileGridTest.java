package io.tileinfer.core.tile;

import io.tileinfer.raster.Window;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    @Test
    void blendingCoresPartitionTheSceneAndKeptWindowsOverlapByTheOverlap() {
        TileGrid grid = new TileGrid(627, 603, 64, 8, 16); // keeps 48 px, cores of 32
        List<Tile> tiles = grid.tiles("s");
        assertEquals(20 * 19, tiles.size());
        int[] cover = new int[627 * 603];
        for (Tile tile : tiles) {
            forEachPixel(tile.core(), (x, y) -> cover[y * 627 + x]++);
            assertEquals(new Window(tile.core().x() - 8, tile.core().y() - 8, tile.core().width() + 16,
                    tile.core().height() + 16).intersect(new Window(0, 0, 627, 603)), tile.kept());
            assertEquals(new Window(tile.core().x() - 16, tile.core().y() - 16, 64, 64), tile.input());
        }
        for (int c : cover) {
            assertEquals(1, c);
        }
        Tile first = tiles.get(0);
        Tile right = tiles.get(1);
        Tile below = tiles.get(grid.columns());
        assertEquals(new Window(0, 0, 40, 40), first.kept());
        assertEquals(new Window(24, 0, 16, 40), first.kept().intersect(right.kept()), "16 px shared with the next");
        assertEquals(new Window(0, 24, 40, 16), first.kept().intersect(below.kept()));
        assertEquals("s/x32_y0_32x32", right.id(), "ids name the core, as when cropping");
        assertEquals(new Window(608, 576, 19, 27), tiles.getLast().core());
        assertEquals(new Window(600, 568, 27, 35), tiles.getLast().kept());
    }

    @Test
    void blendWeightsSumToOneAtEveryPixelIncludingClippedTilesAndCorners() {
        // 627 = 19 x 32 + 19: the last column's kept window is clipped; 603 = 18 x 32 + 27
        for (TileGrid grid : List.of(new TileGrid(627, 603, 64, 8, 16), new TileGrid(627, 603, 64, 0, 32),
                new TileGrid(100, 70, 24, 2, 4), new TileGrid(53, 29, 40, 4, 16))) {
            double[] sums = new double[grid.sceneWidth() * grid.sceneHeight()];
            int[] holders = new int[sums.length];
            for (Tile tile : grid.tiles("s")) {
                TileGrid.Weights weights = grid.weights(tile);
                assertEquals(tile.kept().width(), weights.x().length);
                assertEquals(tile.kept().height(), weights.y().length);
                forEachPixel(tile.kept(), (x, y) -> {
                    double w = weights.x()[x - tile.kept().x()] * weights.y()[y - tile.kept().y()];
                    assertTrue(w > 0 && w <= 1, grid + ": weight " + w);
                    sums[y * grid.sceneWidth() + x] += w;
                    holders[y * grid.sceneWidth() + x]++;
                });
            }
            int corners = 0;
            for (int i = 0; i < sums.length; i++) {
                assertEquals(1.0, sums[i], 0.0, grid + ": pixel " + i % grid.sceneWidth() + ", " + i / grid.sceneWidth());
                corners += holders[i] == 4 ? 1 : 0;
            }
            assertTrue(corners > 0, "some pixels are in four tiles");
        }
    }

    @Test
    void theRampIsLinearAcrossTheStripAndOneElsewhere() {
        TileGrid grid = new TileGrid(200, 40, 24, 2, 4); // keeps 20, cores of 16
        Tile second = grid.tiles("s").get(1);
        assertEquals(new Window(14, 0, 20, 18), second.kept());
        assertArrayEquals(new double[]{0.125, 0.375, 0.625, 0.875, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                0.875, 0.625, 0.375, 0.125}, grid.weights(second).x());
    }

    @Test
    void refusesAnOverlapThatIsOddOrTooLarge() {
        assertThrows(IllegalArgumentException.class, () -> new TileGrid(100, 100, 64, 8, 15));
        assertThrows(IllegalArgumentException.class, () -> new TileGrid(100, 100, 64, 8, 26));
        assertThrows(IllegalArgumentException.class, () -> new TileGrid(100, 100, 64, 8, -2));
        assertEquals(24, TileGrid.maxOverlap(64, 8));
        assertNull(TileGrid.overlapProblem(64, 8, 24));
        assertEquals("expected at most 24, half of the 48 px a tile keeps", TileGrid.overlapProblem(64, 8, 26));
        assertEquals("expected at most 24, the even number at most half of the 50 px a tile keeps",
                TileGrid.overlapProblem(64, 7, 26));
    }

    private static void forEachPixel(Window window, java.util.function.BiConsumer<Integer, Integer> action) {
        for (int y = window.y(); y < window.y() + window.height(); y++) {
            for (int x = window.x(); x < window.x() + window.width(); x++) {
                action.accept(x, y);
            }
        }
    }
}
