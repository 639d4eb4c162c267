package io.tileinfer.core.output;

import io.tileinfer.core.tile.Tile;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.zip.InflaterInputStream;

/**
 * Each finished tile's cropped prediction, kept as a small uncompressed file until the scene's raster is
 * assembled: how Spark executors, which share no raster handle with the driver, hand their pixels over. Written
 * atomically before the tile's row is committed, so a resumed run finds every finished tile's pixels.
 */
public final class PredictionChunks implements PredictionSink {
    private static final int MAGIC = 0x54494331; // "TIC1": zlib-compressed (before 0.1.0's benchmarks)
    private static final int MAGIC_RAW = 0x54494330; // "TIC0": uncompressed
    private static final String SUFFIX = ".bin";
    private final ChunkDirectory dir;

    public PredictionChunks(Path dir) {
        this.dir = new ChunkDirectory(dir);
    }

    public Path file(Tile tile) {
        return dir.file(tile, SUFFIX);
    }

    @Override
    public void write(TilePrediction prediction) throws IOException {
        dir.writeAtomically(prediction.tile(), SUFFIX, ByteBuffer.wrap(encode(prediction.bands())));
    }

    /**
     * The chunk's bytes, uncompressed: DEFLATE cost about 1.5 ms per 256 px tile of three bands on our machines,
     * more than post-processing, so chunks take 197 KB per such tile on disk until the scene is assembled.
     */
    private static byte[] encode(byte[][] bands) {
        int pixels = bands[0].length;
        ByteBuffer raw = ByteBuffer.allocate(3 * Integer.BYTES + bands.length * pixels); // big-endian
        raw.putInt(MAGIC_RAW).putInt(bands.length).putInt(pixels);
        for (byte[] band : bands) {
            raw.put(band);
        }
        return raw.array();
    }

    public boolean has(Tile tile) {
        return dir.has(tile, SUFFIX);
    }

    /** The bands of a finished tile, {@code [band][pixel]}. */
    public byte[][] read(Tile tile) throws IOException {
        Path source = file(tile);
        try (InputStream file = new BufferedInputStream(Files.newInputStream(source), 1 << 16)) {
            file.mark(Integer.BYTES);
            boolean raw = new DataInputStream(file).readInt() == MAGIC_RAW;
            file.reset();
            // Chunks written before they were stored uncompressed are zlib streams: both are read.
            DataInputStream in = new DataInputStream(raw ? file : new InflaterInputStream(file));
            int magic = in.readInt();
            if (magic != MAGIC && magic != MAGIC_RAW) {
                throw new IOException(source + ": not a prediction chunk");
            }
            int bandCount = in.readInt();
            int pixels = in.readInt();
            if (pixels != tile.core().width() * tile.core().height()) {
                throw new IOException(source + ": holds " + pixels + " pixels, expected "
                        + tile.core().width() * tile.core().height());
            }
            byte[][] bands = new byte[bandCount][pixels];
            for (byte[] band : bands) {
                in.readFully(band);
            }
            return bands;
        }
    }
}
