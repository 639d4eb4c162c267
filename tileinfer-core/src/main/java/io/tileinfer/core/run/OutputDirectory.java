package io.tileinfer.core.run;

import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.raster.FileErrors;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The directory a run writes in, as the configuration's {@code output} (or {@code staging}, with an object-store
 * output) names it. A place that cannot hold a directory (under a file, read-only, not ours to write) is the
 * configuration's mistake: exit 2, nothing run. Any other failure (a full disk, an I/O error) is an I/O failure.
 */
public final class OutputDirectory {
    /** What the system says when the place itself is wrong, not the moment. */
    private static final Set<String> WRONG_PLACE = Set.of("not a directory", "read-only file system",
            "permission denied", "no such file or directory", "a file of that name already exists",
            "too many levels of symbolic links");

    private OutputDirectory() {
    }

    /** Creates {@code directory} (the output directory or one in it) if missing. */
    static void create(PipelineConfig config, Path directory) throws IOException {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            Path failed = e instanceof FileSystemException f && f.getFile() != null ? Path.of(f.getFile()) : directory;
            String message = cannotCreate(config, failed, danglingLink(failed).orElse(FileErrors.reason(e)));
            if (wrongPlace(e)) {
                throw new ConfigException(message);
            }
            throw new IOException(message, e);
        }
    }

    /**
     * Refuses a run directory that {@link #create} would refuse, without creating anything: the deepest part of
     * its path that exists is a writable directory on a writable file system, not a link to nothing. Not every
     * refusal shows beforehand: the superuser may write anywhere, yet a file system such as /proc refuses it.
     */
    public static void requireCreatable(PipelineConfig config, Path runDirectory) {
        Path target = runDirectory.toAbsolutePath().normalize();
        Path next = target; // the first part to create, below the deepest one that exists
        Path existing = target;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            next = existing;
            existing = existing.getParent();
        }
        if (existing == null || (existing.equals(target) && Files.isDirectory(existing))) {
            return; // no root; or the run's directory, there from an earlier attempt
        }
        Optional<String> dangling = danglingLink(existing);
        if (dangling.isPresent()) {
            throw new ConfigException(cannotCreate(config, existing, dangling.get()));
        }
        Path failed = existing.equals(target) ? existing : next;
        if (!Files.isDirectory(existing)) {
            throw new ConfigException(cannotCreate(config, failed, "not a directory"));
        }
        if (!Files.isWritable(existing)) { // false on a read-only file system too, even for the superuser
            throw new ConfigException(cannotCreate(config, failed, readOnly(existing) ? "read-only file system"
                    : "permission denied"));
        }
    }

    /**
     * "a symbolic link to missing TARGET" (or "in a loop") when {@code path} is a link that leads nowhere: "file
     * exists" would say nothing of it.
     */
    private static Optional<String> danglingLink(Path path) {
        try {
            if (!Files.isSymbolicLink(path) || Files.exists(path)) {
                return Optional.empty();
            }
            Path target = path.resolveSibling(Files.readSymbolicLink(path)).normalize();
            return Optional.of(inLoop(path) ? "a symbolic link in a loop (to " + target + ")"
                    : "a symbolic link to missing " + target);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean inLoop(Path link) {
        try {
            link.toRealPath();
            return false;
        } catch (IOException e) {
            // the JDK's words: "Too many levels of symbolic links or unable to access attributes of symbolic link"
            return FileErrors.reason(e).toLowerCase(Locale.ROOT).startsWith("too many levels of symbolic links");
        }
    }

    private static boolean readOnly(Path directory) {
        try {
            return Files.getFileStore(directory).isReadOnly();
        } catch (IOException e) {
            return false; // the write itself will tell
        }
    }

    private static String cannotCreate(PipelineConfig config, Path failed, String reason) {
        String setting = config.outputUrl() == null ? "output" : "staging";
        return "cannot create the output directory " + failed + " (" + setting + " in " + config.file() + "): "
                + reason;
    }

    private static boolean wrongPlace(IOException e) {
        return e instanceof AccessDeniedException || e instanceof NoSuchFileException
                || e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException
                || WRONG_PLACE.stream().anyMatch(FileErrors.reason(e).toLowerCase(Locale.ROOT)::startsWith);
    }
}
