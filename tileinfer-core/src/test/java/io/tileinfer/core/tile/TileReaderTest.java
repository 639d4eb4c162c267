package io.tileinfer.core.tile;

import io.tileinfer.core.config.SceneSpec;
import io.tileinfer.core.scene.Expectations;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.scene.SceneInspector;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tileinfer.core.SharedData.variant;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TileReaderTest {
    private static final int SIZE = 64;

    /**
     * A pixel is invalid where any band is NaN or the scene's nodata, and valid beside them, the float next to nodata
     * included: nodata from the file (GDAL keeps a float32 band's 0.1 as 0.1f), none (NaN alone is invalid), or
     * configured (0.1, which no float equals). Every tile's mask is checked against that definition, so that the
     * reader's shortcut for tiles with nothing to mask cannot hide one that has.
     */
    @ParameterizedTest
    @CsvSource({"file, -9999, 3", "file, 0.1, 3", "none, NaN, 4", "configured, 0.1, 1"})
    void aPixelIsInvalidWhereAnyBandIsNanOrTheNodataValue(String from, double nodata, int marked, @TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("marked.tif");
        // band 3 NaN at (10, 20); band 2 and band 4 the nodata value at (40, 5) and (100, 30); band 1 the float
        // beside it at (70, 70) (NaN too without a nodata); and the right and bottom edges' partial tiles
        gdal("""
                import sys
                import numpy as np
                from osgeo import gdal
                nodata = float(sys.argv[3])
                src = gdal.Open(sys.argv[1])
                dst = gdal.GetDriverByName('GTiff').CreateCopy(sys.argv[2], src)
                def put(band, x, y, value):
                    b = dst.GetRasterBand(band)
                    b.WriteArray(np.array([[value]], dtype=np.float32), x, y)
                put(3, 10, 20, np.nan)
                put(2, 40, 5, nodata)
                put(1, 70, 70, np.nextafter(np.float32(nodata), np.float32(0)))
                put(4, 100, 30, np.float32(nodata))
                if sys.argv[4] == 'file':
                    for b in range(1, 5):
                        dst.GetRasterBand(b).SetNoDataValue(nodata)
                dst = None
                """, variant("l8_rgbn_float32.tif"), file.toString(), Double.toString(nodata), from);
        Double configured = from.equals("configured") ? nodata : null;
        SceneInspector.Inspection inspection = SceneInspector.inspect(
                new SceneSpec("s", file.toString(), null, null, null, configured, null), Expectations.none());
        assertTrue(inspection.valid(), inspection.issues().toString());
        Scene scene = inspection.scene();
        Double kept = scene.bands().getFirst().nodata();
        double read = kept == null ? Double.NaN : kept;
        assertEquals(from.equals("file") ? (float) nodata : nodata, read, "the nodata as the scene has it");
        List<Tile> tiles = new TileGrid(scene.width(), scene.height(), SIZE, 0).tiles("s");
        int invalid = 0;
        try (TileReader reader = new TileReader(scene, SIZE)) {
            for (Tile tile : tiles) {
                TileData data = reader.read(tile);
                boolean[] expected = expectedValid(tile, data.raw(), scene.width(), scene.height(), read);
                assertArrayEquals(expected, data.valid(), tile.id());
                for (boolean v : expected) {
                    invalid += v ? 0 : 1;
                }
            }
            int padding = 0;
            for (Tile tile : tiles) {
                Window inside = tile.input().intersect(new Window(0, 0, scene.width(), scene.height()));
                padding += SIZE * SIZE - inside.width() * inside.height();
            }
            assertEquals(padding + marked, invalid, "the NaN, the pixels equal to nodata, and the padding");
            TileData first = reader.read(tiles.getFirst()); // holds (10, 20) and (40, 5)
            assertFalse(first.valid()[20 * SIZE + 10], "NaN in band 3");
            assertEquals(marked == 1, first.valid()[5 * SIZE + 40], "band 2's value: nodata unless none equals it");
            assertTrue(first.valid()[6 * SIZE + 40], "beside it");
        }
    }

    private static boolean[] expectedValid(Tile tile, float[] raw, int width, int height, double nodata) {
        boolean[] valid = new boolean[SIZE * SIZE];
        int bands = raw.length / (SIZE * SIZE);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int sx = tile.input().x() + x;
                int sy = tile.input().y() + y;
                boolean ok = sx < width && sy < height;
                for (int b = 0; ok && b < bands; b++) {
                    float v = raw[b * SIZE * SIZE + y * SIZE + x];
                    ok = !Float.isNaN(v) && v != nodata;
                }
                valid[y * SIZE + x] = ok;
            }
        }
        return valid;
    }

    private static void gdal(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3", "-c", script));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "python3 with GDAL timed out");
        assertEquals(0, process.exitValue(), output);
    }
}
