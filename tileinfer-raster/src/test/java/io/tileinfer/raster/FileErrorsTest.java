package io.tileinfer.raster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Failures of real file operations read as "FILE: why", not just "FILE". */
class FileErrorsTest {
    @TempDir
    Path dir;

    @Test
    void saysWhyAFileOperationFailed() throws IOException {
        Path missing = dir.resolve("missing.json");
        assertEquals(missing + ": no such file or directory",
                FileErrors.describe(assertThrows(IOException.class, () -> Files.readAllBytes(missing))));
        Path file = Files.writeString(dir.resolve("file"), "");
        assertEquals(file + ": a file of that name already exists",
                FileErrors.describe(assertThrows(IOException.class, () -> Files.createDirectories(file))));
        Path under = file.resolve("sub");
        assertEquals(under + ": not a directory", // the system's own reason, in lower case
                FileErrors.describe(assertThrows(IOException.class, () -> Files.createDirectories(under))));
        assertEquals(file + " -> " + missing.resolve("x") + ": no such file or directory",
                FileErrors.describe(assertThrows(IOException.class, () -> Files.move(file, missing.resolve("x")))));
        // root may write anywhere, so the denial that a user meets is made here rather than provoked
        assertEquals("/etc/shadow: permission denied", FileErrors.describe(new AccessDeniedException("/etc/shadow")));
    }

    @Test
    void anUncheckedWrapperKeepsItsOwnMessageOnlyWhenItHasOne() {
        IOException cause = assertThrows(IOException.class, () -> Files.readAllBytes(dir.resolve("gone")));
        assertEquals(dir.resolve("gone") + ": no such file or directory",
                FileErrors.describe(new UncheckedIOException(cause)));
        assertEquals("the quicklook: cannot write", FileErrors.describe(
                new UncheckedIOException("the quicklook: cannot write", cause)));
    }
}
