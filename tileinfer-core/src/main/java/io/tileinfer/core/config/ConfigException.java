package io.tileinfer.core.config;

/** A configuration that cannot be used; the message names the file, the field and what was expected. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
