package io.tileinfer.model;

/**
 * No version or alias of that name in the registry: a name the user gave, which a command can attribute to where it
 * came from (a configuration's {@code model:}, or {@code --model}).
 */
public final class UnknownModelException extends ModelException {
    UnknownModelException(String message) {
        super(message);
    }
}
