package io.tileinfer.model;

import io.tileinfer.raster.FileErrors;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A model or registry problem a user can act on (unknown version, tampered file, a model that does not match
 * its card). The message says what was found and what was expected.
 */
public class ModelException extends RuntimeException {

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }

    static ModelException cannotRead(Path file, String what, IOException e) {
        return new ModelException(cannotReadMessage(file, what, e), e);
    }

    /** "FILE: cannot read WHAT: REASON", the message of {@link #cannotRead}. */
    static String cannotReadMessage(Path file, String what, IOException e) {
        // the JDK's messages of these are a path alone: say why, and which file when it is another one
        boolean thisFile = e instanceof FileSystemException f && file.toString().equals(f.getFile());
        String why = !thisFile ? FileErrors.describe(e)
                : e instanceof NoSuchFileException ? "no such file" : FileErrors.reason(e);
        return file + ": cannot read " + what + ": " + why;
    }
}
