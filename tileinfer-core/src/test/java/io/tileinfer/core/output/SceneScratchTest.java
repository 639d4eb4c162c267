package io.tileinfer.core.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.raster.Crs;
import io.tileinfer.raster.GeoTransform;
import io.tileinfer.raster.RasterException;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

class SceneScratchTest {
    private static final Scene SCENE = new Scene("s", 50, 40, new GeoTransform(500000, 10, 0, 4000000, 0, -10),
            Crs.parse("EPSG:32616"), null, null, List.of());
    private static final List<String> BANDS = List.of("class", "p_a (percent)");

    @Test
    void blocksHoldWholeCoresAndAreMultiplesOf16() {
        assertEquals(224, SceneScratch.blockSize(224));
        assertEquals(640, SceneScratch.blockSize(640));
        assertEquals(48, SceneScratch.blockSize(12)); // 4 x 4 cores
        assertEquals(400, SceneScratch.blockSize(25));
        assertEquals(256, SceneScratch.blockSize(251)); // no multiple of 16 up to 512
    }

    /**
     * Tiles written by this process, a tile whose pixels came as a chunk (from a Spark executor) and tiles that were
     * not predicted (nodata): the COG has each where it belongs, and the scratch survives for the next process.
     */
    @Test
    void theCogTakesWrittenTilesChunksAndNodataForTheRest(@TempDir Path dir) throws Exception {
        List<Tile> tiles = new TileGrid(50, 40, 24, 4).tiles("s"); // 16 px cores: 4 x 3 tiles
        Path file = dir.resolve("scratch/s.tif");
        PredictionChunks chunks = new PredictionChunks(dir.resolve("chunks"));
        try (SceneScratch scratch = SceneScratch.open(file, SCENE, 16, BANDS, Map.of("K", "v"))) {
            assertTrue(scratch.created());
            scratch.write(prediction(tiles.get(0), 1));
        }
        chunks.write(prediction(tiles.get(5), 2));
        Path cog = dir.resolve("s.tif");
        try (SceneScratch scratch = SceneScratch.open(file, SCENE, 16, BANDS, Map.of("K", "v"))) {
            assertFalse(scratch.created(), "the first process's raster is used");
            scratch.write(prediction(tiles.get(1), 3));
            scratch.assemble(tiles, Set.of(tiles.get(0).id(), tiles.get(1).id(), tiles.get(5).id()), chunks, cog, 2);
        }
        try (RasterReader reader = RasterReader.open(cog.toString())) {
            assertEquals("v", reader.info().metadata().get("K"));
            for (Tile tile : tiles) {
                int expected = switch (tile.index()) {
                    case 0 -> 1;
                    case 1 -> 3;
                    case 5 -> 2;
                    default -> 255;
                };
                float[] values = new float[2 * (int) tile.core().pixels()];
                reader.read(tile.core(), new int[]{1, 2}, values);
                float[] wanted = new float[values.length];
                java.util.Arrays.fill(wanted, expected);
                assertArrayEquals(wanted, values, tile.id());
            }
        }
        assertTrue(Files.exists(file), "kept until the scene is done");
    }

    /**
     * Whether a resumed run may use what an earlier process wrote: yes once that process closed (synced) it, or
     * while the machine that wrote it has not restarted (its page cache holds the written blocks); after a restart,
     * or with no state beside it, the raster is made again and its tiles computed again.
     */
    @Test
    void anUnsyncedScratchFromBeforeARestartIsMadeAgain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.tif");
        Path state = dir.resolve("s.tif.state");
        Tile tile = new TileGrid(50, 40, 24, 4).tiles("s").getFirst();
        try (SceneScratch scratch = SceneScratch.open(file, SCENE, 16, BANDS, Map.of())) {
            assertTrue(scratch.created());
            assertTrue(Files.readString(state).startsWith("written since boot "), "marked before any tile");
            scratch.write(prediction(tile, 7));
        }
        assertEquals("synced", Files.readString(state));
        assertFalse(reopened(file), "closed and synced: used");

        String thisBoot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        Files.writeString(state, "written since boot " + thisBoot); // as a process killed on this machine left it
        assertFalse(reopened(file), "the machine is still up: its page cache holds what was written");

        Files.writeString(state, "written since boot 00000000-0000-0000-0000-000000000000");
        assertTrue(reopened(file), "written before a restart, never synced: made again");
        Path cog = dir.resolve("s-cog.tif");
        try (SceneScratch scratch = SceneScratch.open(file, SCENE, 16, BANDS, Map.of())) {
            scratch.assemble(List.of(tile), Set.of(tile.id()), new PredictionChunks(dir.resolve("none")), cog, 1);
        }
        try (RasterReader reader = RasterReader.open(cog.toString())) {
            float[] values = new float[(int) tile.core().pixels()];
            reader.read(tile.core(), new int[]{1}, values);
            assertEquals(0f, values[0], "the tile's pixels went with the raster made again");
        }

        Files.delete(state);
        assertTrue(reopened(file), "no state: not trusted");
    }

    /**
     * The state is on disk before GDAL creates the raster: a process killed at any point of the raster's creation
     * leaves a state, so that a raster without one is not taken for one from before a restart. A creation that
     * fails (a directory in the way of the raster's temporary file) shows the order.
     */
    @Test
    void theStateIsWrittenBeforeTheRasterIsCreated(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scratch/s.tif");
        Files.createDirectories(dir.resolve("scratch/s.tif.creating-" + ProcessHandle.current().pid() + "/in-the-way"));
        assertThrows(RasterException.class, () -> SceneScratch.open(file, SCENE, 16, BANDS, Map.of()));
        assertFalse(Files.exists(file));
        assertTrue(Files.isRegularFile(dir.resolve("scratch/s.tif.state")), "the state came first");
    }

    /** What was found is what the warning says: no state file is not a restart. */
    @Test
    void aRasterThatCannotBeTrustedSaysWhatWasFound(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.tif");
        Path state = dir.resolve("s.tif.state");
        assertTrue(reopened(file));
        assertNull(SceneScratch.distrust(file));
        Files.delete(state);
        assertEquals("no state file " + state + " beside it (removed, or left by a version that wrote none), so "
                + "nothing says it holds what was written", SceneScratch.distrust(file));
        Files.writeString(state, "written since boot 00000000-0000-0000-0000-000000000000");
        assertTrue(SceneScratch.distrust(file).startsWith("written before the machine last started (" + state),
                SceneScratch.distrust(file));
        Files.writeString(state, "writ");
        assertEquals(state + " says \"writ\", expected \"synced\" or \"written since boot <boot id>\" (a torn write)",
                SceneScratch.distrust(file));
    }

    private static boolean reopened(Path file) throws Exception {
        try (SceneScratch scratch = SceneScratch.open(file, SCENE, 16, BANDS, Map.of())) {
            return scratch.created();
        }
    }

    private static TilePrediction prediction(Tile tile, int value) {
        byte[][] bands = new byte[2][(int) tile.core().pixels()];
        for (byte[] band : bands) {
            java.util.Arrays.fill(band, (byte) value);
        }
        return new TilePrediction(tile, bands, new long[]{0});
    }
}
