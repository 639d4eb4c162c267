package io.tileinfer.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrtLibrariesTest {
    private static final List<String> NAMES = List.of(System.mapLibraryName("onnxruntime"),
            System.mapLibraryName("onnxruntime4j_jni"));

    /** The cached libraries are the jar's, byte for byte, in a directory only the user can read. */
    @Test
    void theLibrariesAreExtractedOnceIntoAPrivateDirectory(@TempDir Path home) throws IOException {
        Path root = home.resolve("cache/tileinfer/onnxruntime");
        Path dir = OrtLibraries.prepare(root).orElseThrow();
        assertEquals(root, dir.getParent());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        try (JarFile jar = ortJar(); Stream<Path> files = Files.list(dir)) {
            assertEquals(NAMES.stream().sorted().toList(), files.map(f -> f.getFileName().toString()).sorted()
                    .toList());
            for (String name : NAMES) {
                ZipEntry entry = jar.getEntry("ai/onnxruntime/native/" + OrtLibraries.platform() + "/" + name);
                assertArrayEquals(jar.getInputStream(entry).readAllBytes(), Files.readAllBytes(dir.resolve(name)),
                        name);
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                        dir.resolve(name))));
            }
        }
        FileTime extracted = Files.getLastModifiedTime(dir.resolve(NAMES.getFirst()));
        FileTime earlier = FileTime.fromMillis(extracted.toMillis() - 60_000);
        Files.setLastModifiedTime(dir.resolve(NAMES.getFirst()), earlier);

        assertEquals(dir, OrtLibraries.prepare(root).orElseThrow());
        assertEquals(earlier, Files.getLastModifiedTime(dir.resolve(NAMES.getFirst())), "used as it is");
        try (Stream<Path> left = Files.list(root)) {
            assertEquals(List.of(dir), left.toList(), "no temporary directory left");
        }
    }

    /**
     * A library that is not the jar's (cut short, or changed) is never handed to ONNX Runtime, and never replaced
     * either: another JVM may be loading from that directory. ONNX Runtime then extracts its own.
     */
    @Test
    void aLibraryThatIsNotTheJarsIsNotUsed(@TempDir Path home) throws IOException {
        Path root = home.resolve("onnxruntime");
        Path dir = OrtLibraries.prepare(root).orElseThrow();
        Path library = dir.resolve(NAMES.getFirst());
        byte[] original = Files.readAllBytes(library);
        try (RandomAccessFile file = new RandomAccessFile(library.toFile(), "rw")) {
            file.setLength(original.length / 2);
        }
        assertEquals(Optional.empty(), OrtLibraries.prepare(root));
        assertEquals(original.length / 2, Files.size(library), "left as it was");

        byte[] changed = original.clone();
        changed[changed.length / 2] ^= 1; // same size, another CRC
        Files.write(library, changed);
        assertEquals(Optional.empty(), OrtLibraries.prepare(root));
        Files.write(library, original);
        assertEquals(Optional.of(dir), OrtLibraries.prepare(root));
        Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rw-------"));
        assertEquals(Optional.empty(), OrtLibraries.prepare(root), "a library that cannot be run");
    }

    /** A cache that someone else could write into, or a link, is not trusted. */
    @Test
    void aDirectoryOthersCanWriteIntoOrALinkIsNotTrusted(@TempDir Path home) throws IOException {
        Path root = home.resolve("onnxruntime");
        Path dir = OrtLibraries.prepare(root).orElseThrow();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertEquals(Optional.empty(), OrtLibraries.prepare(root), "group-writable");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertEquals(Optional.of(dir), OrtLibraries.prepare(root));

        Path linked = home.resolve("linked");
        Files.createDirectories(linked, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(linked.resolve(dir.getFileName()), dir);
        assertEquals(Optional.empty(), OrtLibraries.prepare(linked), "a link to a good directory");
    }

    /** Where no directory can be made, ONNX Runtime is left to extract its libraries itself, as without a cache. */
    @Test
    void noCacheWhereNoDirectoryCanBeMade(@TempDir Path home) throws IOException {
        Path file = Files.writeString(home.resolve("not-a-directory"), "x");
        assertTrue(OrtLibraries.prepare(file.resolve("onnxruntime")).isEmpty());
    }

    /** XDG_CACHE_HOME, else ~/.cache, and never a relative path (it would follow the working directory). */
    @Test
    void theCacheIsUnderAnAbsoluteXdgCacheHomeOrTheHome() {
        Path tail = Path.of("tileinfer", "onnxruntime");
        assertEquals(Optional.of(Path.of("/x/cache").resolve(tail)), OrtLibraries.cacheRoot("/x/cache", "/home/u"));
        assertEquals(Optional.of(Path.of("/home/u/.cache").resolve(tail)), OrtLibraries.cacheRoot("cache", "/home/u"));
        assertEquals(Optional.of(Path.of("/home/u/.cache").resolve(tail)), OrtLibraries.cacheRoot(" ", "/home/u"));
        assertEquals(Optional.empty(), OrtLibraries.cacheRoot(null, "?"), "a user without a passwd entry");
        assertEquals(Optional.empty(), OrtLibraries.cacheRoot("", null));
    }

    /** Any of ONNX Runtime's own properties means the user chose where it loads from: no cache then. */
    @Test
    void onnxRuntimesOwnPropertiesAreTheUsersChoice() {
        assertTrue(OrtLibraries.chosenByUser("onnxruntime.native.path"));
        assertTrue(OrtLibraries.chosenByUser("onnxruntime.native.onnxruntime.path"));
        assertTrue(OrtLibraries.chosenByUser("onnxruntime.native.onnxruntime4j_jni.skip"));
        assertFalse(OrtLibraries.chosenByUser("onnxruntime.version"));
    }

    private static JarFile ortJar() throws IOException {
        String url = ai.onnxruntime.OrtEnvironment.class.getResource("OrtEnvironment.class").toString();
        return new JarFile(url.substring("jar:file:".length(), url.indexOf("!/")));
    }
}
