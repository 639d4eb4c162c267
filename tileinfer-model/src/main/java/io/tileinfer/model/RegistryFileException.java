package io.tileinfer.model;

/**
 * A registry file that exists but cannot be read or parsed (e.g. a corrupt aliases.json): the machine's state is
 * wrong, not what the user asked for, so the CLI exits 1 rather than 2 ("bad command line").
 */
public final class RegistryFileException extends ModelException {

    public RegistryFileException(String message, Throwable cause) {
        super(message, cause);
    }

    public RegistryFileException(String message) {
        super(message);
    }
}
