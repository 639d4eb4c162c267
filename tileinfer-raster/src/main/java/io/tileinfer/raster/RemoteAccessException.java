package io.tileinfer.raster;

/** A remote raster or file that could not be reached, with the reason told apart for callers and users. */
public final class RemoteAccessException extends RasterException {

    private final RemoteFailure failure;

    RemoteAccessException(String location, String action, RemoteFailure failure, String gdalMessage) {
        super(location, action + ": " + failure.describe(gdalMessage, location));
        this.failure = failure;
    }

    public RemoteFailure failure() {
        return failure;
    }
}
