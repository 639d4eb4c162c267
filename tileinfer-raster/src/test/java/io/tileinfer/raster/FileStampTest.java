package io.tileinfer.raster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FileStampTest {
    @Test
    void theStampIsTheFilesStatAndMovesWithAWriteThatKeepsSizeAndModificationTime(@TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("b2.tif"), "the first pixels");
        FileStamp stamp = FileStamp.of(file.toString());

        // what the JDK reads of the same stat(2): the offsets into GDAL's stat buffer are right on this machine
        assertEquals(Files.size(file), stamp.size());
        assertEquals(((Number) Files.getAttribute(file, "unix:ino")).longValue(), stamp.inode());
        assertEquals(((Number) Files.getAttribute(file, "unix:dev")).longValue(), stamp.device());
        assertEquals(nanos(Files.getLastModifiedTime(file)), stamp.modifiedNanos());
        assertEquals(nanos((FileTime) Files.getAttribute(file, "unix:ctime")), stamp.changedNanos());
        assertEquals(stamp, FileStamp.of(file.toString()), "unchanged, the same stamp");

        // rewritten in place with as many bytes, its modification time put back (cp -p, rsync -a): the change time
        // still moves
        FileTime modified = Files.getLastModifiedTime(file);
        Thread.sleep(1100); // beyond the change time's granularity on any file system
        Files.writeString(file, "other pixels, 16");
        Files.setLastModifiedTime(file, modified);
        FileStamp rewritten = FileStamp.of(file.toString());
        assertEquals(stamp.size(), rewritten.size());
        assertEquals(stamp.modifiedNanos(), rewritten.modifiedNanos());
        assertNotEquals(stamp, rewritten);

        assertNull(FileStamp.of(dir.resolve("gone.tif").toString()));
    }

    private static long nanos(FileTime time) {
        Instant instant = time.toInstant();
        return ChronoUnit.NANOS.between(Instant.EPOCH, instant);
    }
}
