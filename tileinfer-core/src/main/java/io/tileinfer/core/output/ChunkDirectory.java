package io.tileinfer.core.output;

import io.tileinfer.core.tile.Tile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * A scene's directory of chunks, a file per finished tile until the scene is assembled: {@link PredictionChunks} or
 * {@link ProbabilityChunks}, told apart by the file name's suffix. A run writes one kind; the directory goes whole.
 */
public final class ChunkDirectory {
    private final Path dir;

    public ChunkDirectory(Path dir) {
        this.dir = dir;
    }

    /** The tile's chunk of the kind {@code suffix} names. */
    Path file(Tile tile, String suffix) {
        return dir.resolve(tile.id().replace('/', '_') + suffix);
    }

    boolean has(Tile tile, String suffix) {
        return Files.isRegularFile(file(tile, suffix));
    }

    /**
     * Writes a chunk whole or not at all, through a temporary file of this writer's own: two attempts of one Spark
     * task may write the same tile at once.
     */
    void writeAtomically(Tile tile, String suffix, ByteBuffer... bytes) throws IOException {
        Path target = file(tile, suffix);
        if (!Files.isDirectory(dir)) { // createDirectories throws and catches an exception when it exists
            Files.createDirectories(dir);
        }
        Path temp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        long remaining = 0;
        for (ByteBuffer buffer : bytes) {
            remaining += buffer.remaining();
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (remaining > 0) {
                remaining -= channel.write(bytes);
            }
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes the directory and every chunk in it, of either kind; nothing if there is none. */
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
