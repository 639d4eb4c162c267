package io.tileinfer.raster;

/** A raster that cannot be opened, read or written; the message starts with the raster's location. */
public class RasterException extends RuntimeException {

    private final String location;
    private final String problem;

    public RasterException(String location, String message) {
        super(location + ": " + message);
        this.location = location;
        this.problem = message;
    }

    RasterException(String location, String message, Throwable cause) {
        super(location + ": " + message, cause);
        this.location = location;
        this.problem = message;
    }

    public String location() {
        return location;
    }

    /** The message without the location it starts with, for messages that name the file already. */
    public String problem() {
        return problem;
    }
}
