package io.tileinfer.model;

import ai.onnxruntime.OrtEnvironment;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * ONNX Runtime's native libraries, taken out of its jar once per user and version instead of at every start.
 *
 * <p>ONNX Runtime's Java binding inflates its libraries (28 MB for linux-x64) into a new temporary directory each
 * time a JVM starts and deletes them at exit: a fifth of a second of every {@code batch}, {@code serve} and Spark
 * executor start here (docs/benchmarks.md). Its {@code onnxruntime.native.path} property names a directory that
 * holds them already. This keeps one per set of libraries, named by their CRC-32s and sizes from the jar's directory,
 * in {@code $XDG_CACHE_HOME/tileinfer/onnxruntime} (else {@code ~/.cache/...}), made private to the user; it is
 * filled under a temporary name and renamed into place, so that a start never sees half of it, and each start checks
 * the files' sizes and CRC-32s against the jar's entries before using them. Whatever goes wrong, ONNX Runtime loads
 * as it would have without it.
 */
final class OrtLibraries {
    private static final System.Logger LOG = System.getLogger(OrtLibraries.class.getName());
    static final String NATIVE_PATH = "onnxruntime.native.path";

    private OrtLibraries() {
    }

    /** Points ONNX Runtime at the cached libraries, unless the user named a directory of their own. */
    static void use() {
        if (System.getProperty(NATIVE_PATH) != null) {
            return;
        }
        cacheRoot().flatMap(OrtLibraries::prepare).ifPresent(dir -> System.setProperty(NATIVE_PATH, dir.toString()));
    }

    private static Optional<Path> cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        String home = System.getProperty("user.home");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : home != null && !home.isBlank() ? Path.of(home, ".cache") : null;
        return Optional.ofNullable(base).map(b -> b.resolve("tileinfer").resolve("onnxruntime"));
    }

    /**
     * The directory under {@code root} that holds this platform's libraries of the ONNX Runtime jar on the class
     * path, extracted now if it does not; empty when they are not in a jar, or the directory cannot be made or
     * trusted (the reason is logged).
     */
    static Optional<Path> prepare(Path root) {
        String prefix = "ai/onnxruntime/native/" + platform() + "/";
        URL anchor = OrtEnvironment.class.getResource("/" + prefix + System.mapLibraryName("onnxruntime"));
        if (anchor == null || !"jar".equals(anchor.getProtocol())) {
            return Optional.empty(); // not in a jar: ONNX Runtime loads it from the library path
        }
        try {
            JarURLConnection connection = (JarURLConnection) anchor.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                List<JarEntry> entries = new ArrayList<>();
                jar.stream().filter(e -> !e.isDirectory() && e.getName().startsWith(prefix)
                                && e.getName().indexOf('/', prefix.length()) < 0)
                        .sorted(Comparator.comparing(JarEntry::getName)).forEach(entries::add);
                Path dir = root.resolve(key(entries));
                boolean stale = Files.isDirectory(dir);
                if (stale && matches(dir, entries, prefix)) {
                    return Optional.of(dir);
                }
                return Optional.of(extract(jar, entries, prefix, root, dir, stale));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime's libraries are not cached in " + root
                    + ", it extracts them itself: " + e);
            return Optional.empty();
        }
    }

    /** ONNX Runtime's name for the platform's resource directory (its OnnxRuntime.initOsArch). */
    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String system = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
        String cpu = arch.startsWith("amd64") || arch.startsWith("x86_64") ? "x64"
                : arch.startsWith("aarch64") ? "aarch64" : arch;
        return system + "-" + cpu;
    }

    private static String key(List<JarEntry> entries) {
        StringBuilder described = new StringBuilder();
        for (JarEntry entry : entries) {
            described.append(entry.getName()).append(' ').append(entry.getSize()).append(' ')
                    .append(entry.getCrc()).append('\n');
        }
        return Sha256.hex(described.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    private static boolean matches(Path dir, List<JarEntry> entries, String prefix) throws IOException {
        for (JarEntry entry : entries) {
            Path file = dir.resolve(entry.getName().substring(prefix.length()));
            if (!Files.isRegularFile(file) || Files.size(file) != entry.getSize() || crc(file) != entry.getCrc()) {
                LOG.log(System.Logger.Level.DEBUG, file + " is not the jar's " + entry.getName()
                        + ": extracted again");
                return false;
            }
        }
        return true;
    }

    private static long crc(Path file) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
    }

    /**
     * Extracts into a new directory beside {@code dir} and renames it into place. A {@code stale} one (it failed its
     * check) is renamed away first, and only then deleted: a directory that another process has just put in place is
     * never removed from under it.
     */
    private static Path extract(JarFile jar, List<JarEntry> entries, String prefix, Path root, Path dir,
                                boolean stale) throws IOException {
        Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                "rwx------")));
        Path temporary = Files.createTempDirectory(root, dir.getFileName() + ".");
        try {
            for (JarEntry entry : entries) {
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, temporary.resolve(entry.getName().substring(prefix.length())));
                }
            }
            if (!matches(temporary, entries, prefix)) {
                throw new IOException("the libraries extracted into " + temporary + " are not the jar's");
            }
            if (stale) {
                Path away = Files.createTempDirectory(root, dir.getFileName() + ".stale.");
                try {
                    Files.move(dir, away.resolve("libraries"), StandardCopyOption.ATOMIC_MOVE);
                } catch (NoSuchFileException gone) {
                    // another process moved it away first
                } finally {
                    deleteTree(away);
                }
            }
            try {
                Files.move(temporary, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // another JVM's, made in the meantime, is as good once checked as any start checks it
                if (!Files.isDirectory(dir) || !matches(dir, entries, prefix)) {
                    throw e;
                }
            }
            return dir;
        } finally {
            deleteTree(temporary);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
