package io.tileinfer.raster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whole files through GDAL's virtual file systems, with the same endpoint, credentials, timeouts and retries as
 * raster reads: small documents in (STAC Items from {@code s3://} or {@code https://}), finished outputs out.
 */
public final class RemoteFiles {
    private static final int CHUNK = 1 << 20;
    private static final int CPLE_FILE_IO = 3;
    private static final int VSI_STAT_SET_ERROR_FLAG = 0x8;
    /** A document read whole is metadata; a larger object is a mistake, not something to buffer. */
    private static final long MAX_READ_BYTES = 64L << 20;

    private RemoteFiles() {
    }

    /**
     * The bytes of a local path, an {@code http(s)://} or {@code s3://} URL, or a GDAL /vsi... path.
     *
     * @throws RemoteAccessException when a remote file cannot be reached, for the reason given
     * @throws RasterException       for any other failure
     */
    public static byte[] read(String location) {
        Gdal.init();
        String gdalPath = Gdal.vsiPath(location);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(gdalPath);
            // A stat first: GDAL's open of a missing remote file fails without saying why, its stat does say.
            RasterException missing = statFailure(arena, path, location, gdalPath, "cannot read");
            if (missing != null) {
                throw missing;
            }
            MemorySegment file = GdalBindings.vsiFOpenExL(path, arena.allocateFrom("rb"));
            if (file.address() == 0) {
                GdalBindings.vsiToCplError(GdalBindings.CE_FAILURE, CPLE_FILE_IO);
                throw GdalError.last().exception(location, gdalPath, "cannot read", RemoteFailure.NOT_FOUND);
            }
            try {
                return readAll(file, arena, location, gdalPath);
            } finally {
                GdalBindings.vsiFCloseL(file);
            }
        }
    }

    private static byte[] readAll(MemorySegment file, Arena arena, String location, String gdalPath) {
        MemorySegment buffer = arena.allocate(CHUNK);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long n;
        do {
            GdalBindings.errorReset();
            n = GdalBindings.vsiFReadL(buffer, CHUNK, file);
            if (n < CHUNK && GdalBindings.lastErrorNumber() != 0) {
                throw GdalError.last().exception(location, gdalPath, "cannot read");
            }
            bytes.writeBytes(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
            if (bytes.size() > MAX_READ_BYTES) {
                throw new RasterException(location, "is larger than " + MAX_READ_BYTES
                        + " bytes, expected a small document");
            }
        } while (n == CHUNK);
        return bytes.toByteArray();
    }

    /**
     * Copies a local file to an {@code s3://} URL (or a writable /vsi... path), streaming: GDAL uploads it in one
     * PUT, or in parts for large files. The object appears only when the upload completes.
     */
    public static void upload(Path source, String location) throws IOException {
        Gdal.init();
        String gdalPath = Gdal.vsiPath(location);
        try (Arena arena = Arena.ofConfined(); InputStream in = Files.newInputStream(source)) {
            GdalBindings.errorReset();
            GdalBindings.vsiErrorReset();
            MemorySegment file = GdalBindings.vsiFOpenExL(arena.allocateFrom(gdalPath), arena.allocateFrom("wb"));
            if (file.address() == 0) {
                GdalBindings.vsiToCplError(GdalBindings.CE_FAILURE, CPLE_FILE_IO);
                throw GdalError.last().exception(location, gdalPath, "cannot write");
            }
            MemorySegment buffer = arena.allocate(CHUNK);
            byte[] chunk = new byte[CHUNK];
            boolean written = true;
            for (int n; written && (n = in.readNBytes(chunk, 0, CHUNK)) > 0; ) {
                MemorySegment.copy(chunk, 0, buffer, ValueLayout.JAVA_BYTE, 0, n);
                written = GdalBindings.vsiFWriteL(buffer, n, file) == n;
            }
            GdalError writeError = written ? null : GdalError.last();
            GdalBindings.errorReset();
            boolean completed = GdalBindings.vsiFCloseL(file) == 0; // completes (or aborts) the upload
            if (!written || !completed) {
                throw uploadFailure(arena, location, gdalPath, writeError != null ? writeError : GdalError.last());
            }
        }
    }

    /**
     * GDAL reports a failed upload only as "DoSinglePartPUT ... failed": a stat of the bucket tells an unreachable
     * endpoint, a missing bucket and refused credentials apart.
     */
    private static RasterException uploadFailure(Arena arena, String location, String gdalPath, GdalError error) {
        String action = "cannot upload (" + error.message() + ")";
        if (RemoteFailure.isRemote(gdalPath)) {
            int bucketEnd = gdalPath.indexOf('/', gdalPath.indexOf('/', 1) + 1);
            String bucket = bucketEnd > 0 ? gdalPath.substring(0, bucketEnd) : gdalPath;
            RasterException diagnosis = statFailure(arena, arena.allocateFrom(bucket), location, gdalPath, action);
            if (diagnosis != null) {
                return diagnosis;
            }
        }
        return error.exception(location, gdalPath, "cannot upload");
    }

    private static RasterException statFailure(Arena arena, MemorySegment path, String location, String gdalPath,
                                               String action) {
        MemorySegment stat = arena.allocate(GdalBindings.STAT_BUFFER_BYTES, 8);
        GdalBindings.errorReset();
        GdalBindings.vsiErrorReset();
        if (GdalBindings.statEx(path, stat, GdalBindings.VSI_STAT_EXISTS_FLAG | VSI_STAT_SET_ERROR_FLAG) == 0) {
            return null;
        }
        GdalBindings.vsiToCplError(GdalBindings.CE_FAILURE, CPLE_FILE_IO);
        return GdalError.last().exception(location, gdalPath, action, RemoteFailure.NOT_FOUND);
    }
}
