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
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrtLibrariesTest {
    private static final String PLATFORM_DIR = "ai/onnxruntime/native/linux-x64/";

    /** The cached libraries are the jar's, byte for byte, in a directory only the user can read. */
    @Test
    void theLibrariesAreExtractedOnceIntoAPrivateDirectory(@TempDir Path home) throws IOException {
        Path root = home.resolve("cache/tileinfer/onnxruntime");
        Path dir = OrtLibraries.prepare(root).orElseThrow();
        assertEquals(root, dir.getParent());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        List<String> names = List.of(System.mapLibraryName("onnxruntime"), System.mapLibraryName("onnxruntime4j_jni"));
        try (JarFile jar = ortJar(); Stream<Path> files = Files.list(dir)) {
            assertEquals(names, files.map(f -> f.getFileName().toString()).sorted().toList());
            for (String name : names) {
                ZipEntry entry = jar.getEntry(PLATFORM_DIR + name);
                assertArrayEquals(jar.getInputStream(entry).readAllBytes(), Files.readAllBytes(dir.resolve(name)),
                        name);
            }
        }
        FileTime extracted = Files.getLastModifiedTime(dir.resolve(names.getFirst()));
        FileTime earlier = FileTime.fromMillis(extracted.toMillis() - 60_000);
        Files.setLastModifiedTime(dir.resolve(names.getFirst()), earlier);

        assertEquals(dir, OrtLibraries.prepare(root).orElseThrow());
        assertEquals(earlier, Files.getLastModifiedTime(dir.resolve(names.getFirst())), "used as it is");
        try (Stream<Path> left = Files.list(root)) {
            assertEquals(List.of(dir), left.toList(), "no temporary directory left");
        }
    }

    /** A library that is not the jar's (cut short, or changed) is never handed to ONNX Runtime: it is replaced. */
    @Test
    void aLibraryThatIsNotTheJarsIsExtractedAgain(@TempDir Path home) throws IOException {
        Path root = home.resolve("onnxruntime");
        Path dir = OrtLibraries.prepare(root).orElseThrow();
        Path library = dir.resolve(System.mapLibraryName("onnxruntime"));
        byte[] original = Files.readAllBytes(library);
        try (RandomAccessFile file = new RandomAccessFile(library.toFile(), "rw")) {
            file.setLength(original.length / 2);
        }
        assertEquals(dir, OrtLibraries.prepare(root).orElseThrow());
        assertArrayEquals(original, Files.readAllBytes(library));

        byte[] changed = original.clone();
        changed[changed.length / 2] ^= 1; // same size, another CRC
        Files.write(library, changed);
        assertEquals(dir, OrtLibraries.prepare(root).orElseThrow());
        assertArrayEquals(original, Files.readAllBytes(library));
        try (Stream<Path> left = Files.list(root)) {
            assertEquals(List.of(dir), left.toList(), "the stale libraries are gone, and no temporary directory");
        }
    }

    /** Where no directory can be made, ONNX Runtime is left to extract its libraries itself, as without a cache. */
    @Test
    void noCacheWhereNoDirectoryCanBeMade(@TempDir Path home) throws IOException {
        Path file = Files.writeString(home.resolve("not-a-directory"), "x");
        assertTrue(OrtLibraries.prepare(file.resolve("onnxruntime")).isEmpty());
    }

    private static JarFile ortJar() throws IOException {
        String url = ai.onnxruntime.OrtEnvironment.class.getResource("OrtEnvironment.class").toString();
        return new JarFile(url.substring("jar:file:".length(), url.indexOf("!/")));
    }
}
