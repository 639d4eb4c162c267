package io.tileinfer.train;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Training cannot start or finish: a bad configuration or unusable data. The message names file and field. */
public final class TrainingException extends RuntimeException {

    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }

    static TrainingException cannotRead(Path file, String what, IOException e) {
        return new TrainingException(file + ": cannot read " + what + ": "
                + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()), e);
    }
}
