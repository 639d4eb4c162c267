package io.tileinfer.core.output;

import io.tileinfer.core.tile.Tile;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * Each finished tile's cropped prediction, kept as a small compressed file until the scene's raster is
 * assembled. Written atomically before the tile's row is committed, so a resumed run finds every finished
 * tile's pixels, and workers (or Spark executors) never share a raster handle.
 */
public final class PredictionChunks {
    private static final int MAGIC = 0x54494331; // "TIC1"
    private final Path dir;

    public PredictionChunks(Path dir) {
        this.dir = dir;
    }

    public Path file(Tile tile) {
        return dir.resolve(tile.id().replace('/', '_') + ".bin");
    }

    public void write(TilePrediction prediction) throws IOException {
        Path target = file(prediction.tile());
        Files.createDirectories(target.getParent());
        // A temporary file of this writer's own: two attempts of one Spark task may write the same tile at once.
        Path temp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        byte[][] bands = prediction.bands();
        try (OutputStream file = Files.newOutputStream(temp);
             DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(file,
                     new Deflater(Deflater.BEST_SPEED), 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(bands.length);
            out.writeInt(bands[0].length);
            for (byte[] band : bands) {
                out.write(band);
            }
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The bands of a finished tile, {@code [band][pixel]}. */
    public byte[][] read(Tile tile) throws IOException {
        Path source = file(tile);
        try (InputStream file = Files.newInputStream(source);
             DataInputStream in = new DataInputStream(new InflaterInputStream(file))) {
            if (in.readInt() != MAGIC) {
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

    public void deleteAll() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }
}
