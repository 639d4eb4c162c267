package io.tileinfer.raster;

/**
 * libgdal cannot be loaded, or is too old for the functions tileinfer binds: the machine's setup, not a bug, so
 * commands say it in one line with what to install or set.
 */
public final class GdalUnavailableException extends IllegalStateException {
    GdalUnavailableException(String message) {
        super(message);
    }
}
