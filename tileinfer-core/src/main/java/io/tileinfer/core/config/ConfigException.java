package io.tileinfer.core.config;

import io.tileinfer.model.UnknownModelException;

/** A configuration that cannot be used; the message names the file, the field and what was expected. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    /** The configuration's {@code model:} names nothing in the registry: said with the file and the key. */
    public static ConfigException unknownModel(PipelineConfig config, UnknownModelException e) {
        return new ConfigException(config.file() + ": model: " + e.getMessage());
    }
}
