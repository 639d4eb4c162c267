package io.tileinfer.core.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * {@link BlendedScene} against the blend written out pixel by pixel (README, *Seamless stitching*): every tile of the
 * grid in its order, {@code Σ w·p / Σ w} in double, nodata where the core's tile was not predicted, its input had no
 * valid data or no weight reached the pixel. Over geometries where a row of blocks needs one tile row or many, tiles
 * larger and smaller than a block, scenes smaller than a tile, with tiles left out and invalid pixels.
 */
class BlendedSceneTest {

    @ParameterizedTest(name = "{0}x{1} scene, {2} px tiles, halo {3}, overlap {4}, {5} px blocks, {6} classes")
    @CsvSource({
            "1000, 700, 256, 0, 32, 256, 2", // as W1 is cut
            "300, 200, 64, 8, 16, 256, 2", // a row of blocks spans eight tile rows
            "530, 530, 128, 4, 32, 64, 3", // blocks smaller than a kept window
            "700, 300, 512, 0, 64, 256, 2", // tiles larger than a block
            "50, 40, 64, 0, 16, 256, 2", // a scene smaller than one tile
            "257, 513, 64, 0, 32, 48, 3", // nothing a multiple of anything
            "1, 300, 32, 0, 8, 16, 2", // one column of pixels
    })
    void blendsEveryPixelAsThePixelByPixelDefinition(int width, int height, int size, int halo, int overlap,
                                                     int block, int classes, @TempDir Path dir) throws Exception {
        TileGrid grid = new TileGrid(width, height, size, halo, overlap);
        List<Tile> tiles = grid.tiles("s");
        ProbabilityChunks chunks = new ProbabilityChunks(dir);
        Random random = new Random(width * 31L + size);
        Set<String> predicted = new HashSet<>();
        float[][][] planes = new float[tiles.size()][][];
        for (Tile tile : tiles) {
            if (tile.index() % 7 == 3) {
                continue; // failed or skipped: its neighbours blend without it, its core is nodata
            }
            Window kept = tile.kept();
            float[][] values = new float[classes][(int) kept.pixels()];
            for (int i = 0; i < kept.pixels(); i++) {
                int x = kept.x() + i % kept.width();
                int y = kept.y() + i / kept.width();
                for (int k = 0; k < classes; k++) {
                    values[k][i] = invalid(x, y, width) ? Float.NaN : random.nextFloat();
                }
            }
            planes[tile.index()] = values;
            predicted.add(tile.id());
            chunks.write(new TilePrediction(tile, new byte[0][], new long[classes], values));
        }

        byte[][] written = new byte[classes + 1][width * height];
        int[] writes = new int[width * height];
        new BlendedScene(grid, tiles, predicted, chunks, classes, true).writeInto(block, (window, bands) -> {
            assertTrue(window.width() <= block && window.height() <= block, window + " in blocks of " + block);
            assertEquals(0, window.x() % block, window + " starts a block");
            assertEquals(0, window.y() % block, window + " starts a block");
            for (int i = 0; i < window.pixels(); i++) {
                int at = (window.y() + i / window.width()) * width + window.x() + i % window.width();
                writes[at]++;
                for (int b = 0; b < bands.length; b++) {
                    written[b][at] = bands[b][i];
                }
            }
        });

        Postprocessor postprocessor = new Postprocessor(classes, size, true);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                assertEquals(1, writes[y * width + x], "pixel " + x + "," + y + " written once");
                byte[] expected = expected(grid, tiles, planes, postprocessor, classes, x, y);
                byte[] actual = new byte[classes + 1];
                for (int b = 0; b <= classes; b++) {
                    actual[b] = written[b][y * width + x];
                }
                assertArrayEquals(expected, actual, "pixel " + x + "," + y);
            }
        }
    }

    /** A disc of pixels without valid input, the same in every tile that holds them. */
    private static boolean invalid(int x, int y, int width) {
        int dx = x - width / 3;
        int dy = y - 20;
        return dx * dx + dy * dy < 15 * 15;
    }

    private static byte[] expected(TileGrid grid, List<Tile> tiles, float[][][] planes, Postprocessor postprocessor,
                                   int classes, int x, int y) {
        double[] sums = new double[classes];
        double weights = 0;
        for (Tile tile : tiles) {
            Window kept = tile.kept();
            boolean holds = x >= kept.x() && x < kept.x() + kept.width() && y >= kept.y()
                    && y < kept.y() + kept.height();
            if (planes[tile.index()] == null || !holds) {
                continue;
            }
            TileGrid.Weights w = grid.weights(tile);
            double weight = w.x()[x - kept.x()] * w.y()[y - kept.y()];
            int i = (y - kept.y()) * kept.width() + x - kept.x();
            weights += weight;
            for (int k = 0; k < classes; k++) {
                sums[k] += weight * planes[tile.index()][k][i];
            }
        }
        byte[][] bands = new byte[classes + 1][1];
        Tile owner = tiles.get(y / grid.step() * grid.columns() + x / grid.step());
        if (planes[owner.index()] == null || weights == 0 || invalid(x, y, grid.sceneWidth())) {
            Postprocessor.nodata(bands, 0);
        } else {
            float[] blended = new float[classes];
            for (int k = 0; k < classes; k++) {
                blended[k] = (float) (sums[k] / weights);
            }
            postprocessor.classify(blended, 0, 1, bands, 0, 1);
        }
        byte[] pixel = new byte[classes + 1];
        for (int b = 0; b <= classes; b++) {
            pixel[b] = bands[b][0];
        }
        return pixel;
    }
}
