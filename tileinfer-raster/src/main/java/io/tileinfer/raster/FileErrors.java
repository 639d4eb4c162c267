package io.tileinfer.raster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * How an I/O failure reads in a message. The JDK leaves the reason out of the common file system exceptions (an
 * AccessDeniedException's message is only its path), so a message made of {@code getMessage()} says where, not why.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /** Why the operation failed, as the system put it: "permission denied", "no such file or directory"... */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            String reason = f.getReason();
            return reason.isEmpty() ? reason : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
        }
        return switch (e) {
            case AccessDeniedException denied -> "permission denied";
            case NoSuchFileException missing -> "no such file or directory";
            case NotDirectoryException notDirectory -> "not a directory";
            case FileAlreadyExistsException exists -> "a file of that name already exists";
            case DirectoryNotEmptyException notEmpty -> "the directory is not empty";
            case FileSystemException other -> other.getClass().getSimpleName();
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }

    /** The failure on one line: "FILE: reason" ("FILE -> OTHER: reason" for a move or a link), else the message. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason(e);
        }
        return reason(e);
    }

    /** As {@link #describe(IOException)}, keeping the message of a wrapper that says more than its cause. */
    public static String describe(UncheckedIOException e) {
        return e.getMessage().equals(e.getCause().toString()) ? describe(e.getCause()) : e.getMessage();
    }
}
