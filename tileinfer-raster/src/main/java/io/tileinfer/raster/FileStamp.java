package io.tileinfer.raster;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What a file's metadata says of its content, without reading it: size, modification and change time, device and
 * inode, from GDAL's stat (so the same for local files and, through /vsicurl/ and /vsis3/, remote ones, where it gives
 * the size and Last-Modified alone). A file written or replaced since has another stamp: its change time moves even
 * when the tool that wrote it kept the modification time ({@code cp -p}, {@code rsync -a}).
 *
 * @param modifiedNanos nanoseconds since the epoch; for a remote file, Last-Modified (0 when the server sends none)
 * @param changedNanos  nanoseconds since the epoch; 0 for a remote file
 */
public record FileStamp(long size, long modifiedNanos, long changedNanos, long device, long inode) {
    /** In glibc's struct stat64 on x86_64 and aarch64 alike: st_dev, st_ino, st_mtim and st_ctim. */
    private static final long DEVICE_OFFSET = 0;
    private static final long INODE_OFFSET = 8;
    private static final long MODIFIED_OFFSET = 88;
    private static final long CHANGED_OFFSET = 104;

    /** The location's stamp, or null when it cannot be had (gone, unreachable): no stamp equals it. */
    public static FileStamp of(String location) {
        Gdal.init();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stat = arena.allocate(GdalBindings.STAT_BUFFER_BYTES, 8); // zeroed
            GdalBindings.errorReset();
            int status = GdalBindings.statEx(arena.allocateFrom(Gdal.vsiPath(location)), stat,
                    GdalBindings.VSI_STAT_EXISTS_FLAG | GdalBindings.VSI_STAT_SIZE_FLAG);
            if (status != 0) {
                return null;
            }
            return new FileStamp(stat.get(JAVA_LONG, GdalBindings.STAT_SIZE_OFFSET), nanos(stat, MODIFIED_OFFSET),
                    nanos(stat, CHANGED_OFFSET), stat.get(JAVA_LONG, DEVICE_OFFSET), stat.get(JAVA_LONG, INODE_OFFSET));
        }
    }

    private static long nanos(MemorySegment stat, long offset) {
        return stat.get(JAVA_LONG, offset) * 1_000_000_000L + stat.get(JAVA_LONG, offset + 8);
    }
}
