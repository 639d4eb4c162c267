package io.tileinfer.raster;

/** A raster that cannot be opened, read or written; the message starts with the raster's location. */
public class RasterException extends RuntimeException {

    private final String location;

    public RasterException(String location, String message) {
        super(location + ": " + message);
        this.location = location;
    }

    RasterException(String location, String message, Throwable cause) {
        super(location + ": " + message, cause);
        this.location = location;
    }

    public String location() {
        return location;
    }
}
