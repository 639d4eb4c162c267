package io.tileinfer.core.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tileinfer.core.tile.Tile;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

class PredictionChunksTest {

    private static final Tile TILE = new Tile("s/x0_y0_3x2", 0, new Window(0, 0, 3, 2), new Window(0, 0, 3, 2));
    private static final byte[][] BANDS = {{0, 1, 1, 0, (byte) 255, 1}, {90, 10, 20, 80, (byte) 255, 5}};

    @Test
    void aWrittenChunkReadsBack(@TempDir Path dir) throws Exception {
        PredictionChunks chunks = new PredictionChunks(dir);
        chunks.write(new TilePrediction(TILE, BANDS, new long[]{2, 3}));
        assertArrayEquals(BANDS, chunks.read(TILE));
    }

    @Test
    void aChunkInTheEarlierCompressedFormatStillReads(@TempDir Path dir) throws Exception {
        PredictionChunks chunks = new PredictionChunks(dir);
        // The format of chunks written before they were stored uncompressed (a run resumed across versions).
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(
                Files.newOutputStream(chunks.file(TILE)), new Deflater(Deflater.BEST_SPEED)))) {
            out.writeInt(0x54494331);
            out.writeInt(BANDS.length);
            out.writeInt(BANDS[0].length);
            for (byte[] band : BANDS) {
                out.write(band);
            }
        }
        assertArrayEquals(BANDS, chunks.read(TILE));
    }
}
