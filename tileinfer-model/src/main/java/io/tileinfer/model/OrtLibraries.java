package io.tileinfer.model;

import ai.onnxruntime.OrtEnvironment;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * ONNX Runtime's native libraries, taken out of its jar once per user and version instead of at every start.
 *
 * <p>ONNX Runtime's Java binding inflates its libraries (28 MB for linux-x64) into a new temporary directory each
 * time a JVM starts: a fifth of a second of every {@code batch}, {@code serve} and Spark executor start here
 * (docs/benchmarks.md). Its {@code onnxruntime.native.path} property names a directory that holds them already. This
 * keeps one per set of libraries, named after their sizes and CRC-32s in the jar, in
 * {@code $XDG_CACHE_HOME/tileinfer/onnxruntime} (else {@code ~/.cache/...}). A directory is filled under a temporary
 * name and renamed into place, never changed or removed afterwards (another JVM may be loading from it), and used only
 * while it and the cache are the user's own and writable by no one else, and its files are the jar's (sizes and
 * CRC-32s: against accidents, not attacks, which the ownership check is for) and executable there. Otherwise, and
 * whenever something fails, ONNX Runtime extracts its libraries itself, as it does without this. Only ONNX Runtime's
 * CPU build is cached (its two libraries), and only on Linux (the ownership check reads /proc/self); a build with
 * execution-provider libraries is left to ONNX Runtime.
 */
final class OrtLibraries {
    private static final System.Logger LOG = System.getLogger(OrtLibraries.class.getName());
    static final String NATIVE_PATH = "onnxruntime.native.path";
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private OrtLibraries() {
    }

    /** Points ONNX Runtime at the cached libraries, unless the user chose where it loads them from. */
    static void use() {
        try {
            if (System.getProperties().stringPropertyNames().stream().anyMatch(OrtLibraries::chosenByUser)) {
                return;
            }
            cacheRoot(System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home")).flatMap(OrtLibraries::prepare)
                    .ifPresent(dir -> System.setProperty(NATIVE_PATH, dir.toString()));
        } catch (RuntimeException e) { // e.g. a path the platform cannot name: never a reason not to start
            LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime's libraries are not cached: " + e);
        }
    }

    /** ONNX Runtime's own properties: a directory, a library's path, or a library to skip. */
    static boolean chosenByUser(String property) {
        return property.startsWith("onnxruntime.native.");
    }

    /** The XDG base directory specification's cache: relative values are ignored (they would follow the cwd). */
    static Optional<Path> cacheRoot(String xdgCacheHome, String userHome) {
        Path base = absolute(xdgCacheHome).or(() -> absolute(userHome).map(home -> home.resolve(".cache")))
                .orElse(null);
        return Optional.ofNullable(base).map(b -> b.resolve("tileinfer").resolve("onnxruntime"));
    }

    private static Optional<Path> absolute(String path) {
        return path == null || path.isBlank() || !Path.of(path).isAbsolute() ? Optional.empty()
                : Optional.of(Path.of(path));
    }

    /**
     * The directory under {@code root} that holds this platform's libraries of the ONNX Runtime jar on the class
     * path, extracted now if there is none; empty when they are not in a jar, or no directory can be made or trusted
     * (the reason is logged).
     */
    static Optional<Path> prepare(Path root) {
        String prefix = "ai/onnxruntime/native/" + platform() + "/";
        List<String> cpuBuild = List.of(System.mapLibraryName("onnxruntime"),
                System.mapLibraryName("onnxruntime4j_jni"));
        URL anchor = OrtEnvironment.class.getResource("/" + prefix + cpuBuild.getFirst());
        if (anchor == null || !"jar".equals(anchor.getProtocol())) {
            return Optional.empty(); // not in a jar: ONNX Runtime loads it from the library path
        }
        try {
            JarURLConnection connection = (JarURLConnection) anchor.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                // smallest first: a file system that cannot run them (noexec) shows it after 88 KB, not 28 MB
                List<JarEntry> entries = jar.stream().filter(e -> !e.isDirectory() && e.getName().startsWith(prefix)
                        && e.getName().indexOf('/', prefix.length()) < 0)
                        .sorted(Comparator.comparingLong(JarEntry::getSize)).toList();
                if (!entries.stream().map(e -> e.getName().substring(prefix.length())).sorted().toList()
                        .equals(cpuBuild.stream().sorted().toList())) {
                    return Optional.empty(); // provider libraries (a GPU build): ONNX Runtime's own way
                }
                Path dir = root.resolve(key(entries));
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        return Optional.of(checked(root, dir, entries, prefix));
                    } catch (IOException e) { // never replaced: another JVM may be loading from it
                        LOG.log(System.Logger.Level.WARNING, "ONNX Runtime's cached libraries are not used, it "
                                + "extracts them itself: " + e.getMessage());
                        return Optional.empty();
                    }
                }
                return Optional.of(extract(jar, entries, prefix, root, dir));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "ONNX Runtime's libraries are not cached in " + root
                    + ", it extracts them itself: " + e);
            return Optional.empty();
        }
    }

    /** ONNX Runtime's name for the platform's resource directory (its OnnxRuntime.initOsArch). */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String system = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
        String cpu = arch.startsWith("amd64") || arch.startsWith("x86_64") ? "x64"
                : arch.startsWith("aarch64") ? "aarch64" : arch;
        return system + "-" + cpu;
    }

    /** Named after the libraries and the layout: one made another way (files not executable) is never looked at. */
    private static String key(List<JarEntry> entries) {
        StringBuilder described = new StringBuilder("executable files\n");
        entries.stream().sorted(Comparator.comparing(JarEntry::getName)).forEach(entry -> described
                .append(entry.getName()).append(' ').append(entry.getSize()).append(' ').append(entry.getCrc())
                .append('\n'));
        return Sha256.hex(described.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** {@code dir} if it and {@code root} are trusted and it holds the jar's libraries, else why not. */
    private static Path checked(Path root, Path dir, List<JarEntry> entries, String prefix) throws IOException {
        trusted(root);
        trusted(dir);
        for (JarEntry entry : entries) {
            Path file = dir.resolve(entry.getName().substring(prefix.length()));
            trusted(file);
            if (Files.size(file) != entry.getSize() || crc(file) != entry.getCrc()) {
                throw new IOException(file + " is not the jar's " + entry.getName() + " (remove " + dir
                        + " to have it made again)");
            }
            if (!Files.isExecutable(file)) {
                boolean mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                        .contains(PosixFilePermission.OWNER_EXECUTE);
                throw new IOException(file + " cannot be run from there (" + (mode ? "a noexec file system?"
                        : "not executable") + ")");
            }
        }
        return dir;
    }

    /** The user's own (not a link), and writable by no one else: nobody else can put a library there. */
    private static void trusted(Path path) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        int owner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink() || owner != uid()
                || attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(path + " is not this user's alone (owner uid " + owner + ", "
                    + PosixFilePermissions.toString(attributes.permissions())
                    + (attributes.isSymbolicLink() ? ", a symbolic link" : "") + ")");
        }
    }

    /** This process's user (Linux: the owner of /proc/self); elsewhere an IOException, and no cache. */
    private static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private static long crc(Path file) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
    }

    /**
     * Extracts into a new directory beside {@code dir} and renames it into place; when another JVM was first, its
     * directory is used once checked.
     */
    private static Path extract(JarFile jar, List<JarEntry> entries, String prefix, Path root, Path dir)
            throws IOException {
        Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PRIVATE));
        trusted(root);
        Path temporary = Files.createTempDirectory(root, dir.getFileName() + ".");
        try {
            for (JarEntry entry : entries) {
                Path file = temporary.resolve(entry.getName().substring(prefix.length()));
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, file);
                }
                Files.setPosixFilePermissions(file, PRIVATE);
                if (!Files.isExecutable(file)) {
                    throw new IOException(root + " cannot hold libraries that run (a noexec file system?)");
                }
            }
            checked(root, temporary, entries, prefix);
            try {
                Files.move(temporary, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
                return checked(root, dir, entries, prefix); // another JVM's, made in the meantime
            }
            return dir;
        } finally {
            deleteTree(temporary);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
