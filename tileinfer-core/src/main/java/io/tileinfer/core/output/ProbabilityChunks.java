package io.tileinfer.core.output;

import io.tileinfer.core.tile.Tile;
import io.tileinfer.raster.Window;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * When a run blends, each finished tile's probabilities over its kept window, a file per tile until the scene is
 * assembled ({@link BlendedScene}): float32, so that the blend is computed from what the model gave, not from
 * rounded percents. Written by local workers and Spark executors alike, atomically and before the tile's row
 * commits: a resumed run finds every finished tile's contribution once, and a tile computed again replaces its file
 * rather than adding to anything. Invalid pixels (no valid input) hold NaN, which a model's output never does (a
 * tile with a non-finite probability fails).
 */
public final class ProbabilityChunks implements PredictionSink {
    private static final int MAGIC = 0x54494230; // "TIB0"
    private static final int HEADER = 6 * Integer.BYTES;
    private static final String SUFFIX = ".probabilities.bin";
    private final ChunkDirectory dir;

    public ProbabilityChunks(Path dir) {
        this.dir = new ChunkDirectory(dir);
    }

    Path file(Tile tile) {
        return dir.file(tile, SUFFIX);
    }

    /** Bytes of a tile's chunk on disk: a header and 4 bytes per class and kept pixel. */
    public static long bytes(Window kept, int classes) {
        return HEADER + (long) Float.BYTES * classes * kept.pixels();
    }

    @Override
    public void write(TilePrediction prediction) throws IOException {
        float[][] planes = prediction.keptProbabilities();
        if (planes == null) {
            throw new IllegalArgumentException(prediction.tile().id() + ": no kept probabilities to blend");
        }
        Window kept = prediction.tile().kept();
        // a buffer a plane: 256 KB for a 256 px tile, where a whole chunk's 512 KB would be a humongous object
        ByteBuffer[] buffers = new ByteBuffer[1 + planes.length];
        buffers[0] = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN).putInt(MAGIC).putInt(planes.length)
                .putInt(kept.x()).putInt(kept.y()).putInt(kept.width()).putInt(kept.height()).flip();
        for (int k = 0; k < planes.length; k++) {
            if (planes[k].length != kept.pixels()) {
                throw new IllegalArgumentException(prediction.tile().id() + ": " + planes[k].length
                        + " probabilities of class " + k + " for the " + kept.pixels() + " pixels of " + kept);
            }
            buffers[1 + k] = ByteBuffer.allocate(Float.BYTES * planes[k].length).order(ByteOrder.LITTLE_ENDIAN);
            buffers[1 + k].asFloatBuffer().put(planes[k]);
        }
        dir.writeAtomically(prediction.tile(), SUFFIX, buffers);
    }

    public boolean has(Tile tile) {
        return dir.has(tile, SUFFIX);
    }

    /**
     * Reads a finished tile's probabilities into {@code into[k]} (each at least the kept window's pixels long),
     * checked against the tile and the class count {@code into.length}. {@code buffer} is the reader's own, reused
     * from tile to tile: the blend reads a whole scene's chunks and must not leave their bytes to the collector.
     */
    public void read(Tile tile, float[][] into, ByteBuffer buffer) throws IOException {
        Path source = file(tile);
        Window kept = tile.kept();
        int classes = into.length;
        long expected = bytes(kept, classes);
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.READ)) {
            if (channel.size() != expected) {
                throw new IOException(source + ": holds " + channel.size() + " bytes, expected " + expected
                        + " for " + classes + " classes over " + kept);
            }
            buffer.clear().limit((int) expected);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // until full
            }
        }
        buffer.flip().order(ByteOrder.LITTLE_ENDIAN);
        Window found = null;
        if (buffer.getInt() != MAGIC || buffer.getInt() != classes
                || !(found = new Window(buffer.getInt(), buffer.getInt(), buffer.getInt(), buffer.getInt()))
                .equals(kept)) {
            throw new IOException(source + ": not a probability chunk of " + classes + " classes over " + kept
                    + (found == null ? "" : ", found one over " + found));
        }
        FloatBuffer values = buffer.asFloatBuffer();
        for (float[] plane : into) {
            values.get(plane, 0, (int) kept.pixels());
        }
    }
}
