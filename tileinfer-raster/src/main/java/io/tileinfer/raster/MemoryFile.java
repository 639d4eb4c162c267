package io.tileinfer.raster;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.UUID;

/**
 * Bytes held in memory as a GDAL /vsimem/ file, so that a raster received over the network is opened with
 * {@link RasterReader#open(String)} like any file, without touching the disk; it opens it with GDAL's GeoTIFF driver
 * only. Close it when the readers on it are closed: that unregisters the file and frees the memory.
 */
public final class MemoryFile implements AutoCloseable {
    private static final String DIRECTORY = "/vsimem/tileinfer/";

    private final String path;
    private final Arena arena;
    private boolean closed;

    private MemoryFile(String path, Arena arena) {
        this.path = path;
        this.arena = arena;
    }

    /**
     * Copies {@code bytes} into native memory as {@code /vsimem/tileinfer/<unique>/<fileName>}.
     *
     * @param fileName the last path segment (GDAL's messages show it); only letters, digits, '.', '_' and '-'
     */
    public static MemoryFile of(byte[] bytes, String fileName) {
        if (!fileName.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("a memory file name must be letters, digits, '.', '_' or '-', found \""
                    + fileName + "\"");
        }
        Gdal.init();
        String path = DIRECTORY + UUID.randomUUID() + "/" + fileName;
        Arena arena = Arena.ofShared();
        try {
            // Never zero bytes: GDAL needs a real buffer even for an empty file.
            MemorySegment data = arena.allocate(Math.max(1, bytes.length), 64).asSlice(0, bytes.length);
            MemorySegment.copy(bytes, 0, data, JAVA_BYTE, 0, bytes.length);
            MemorySegment file;
            String failure;
            try (Arena call = Arena.ofConfined()) {
                GdalBindings.errorReset();
                file = GdalBindings.vsiFileFromMemBuffer(call.allocateFrom(path), data);
                failure = file.address() == 0 ? GdalBindings.lastErrorMessage() : null;
            }
            if (failure != null) {
                throw new RasterException(path, "cannot create the in-memory file: " + failure);
            }
            GdalBindings.vsiFCloseL(file); // the file stays registered until VSIUnlink
            return new MemoryFile(path, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Whether a GDAL path is that of a memory file, that is of bytes received from outside. */
    static boolean holds(String gdalPath) {
        return gdalPath.startsWith(DIRECTORY);
    }

    /** The /vsimem/ path to open. */
    public String path() {
        return path;
    }

    /** Unregisters the file, then frees its memory; datasets opened on it must be closed before. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Arena call = Arena.ofConfined()) {
            GdalBindings.vsiUnlink(call.allocateFrom(path));
        } finally {
            arena.close();
        }
    }
}
