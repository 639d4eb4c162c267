package io.tileinfer.raster;

/** The calling thread's last GDAL error, taken right after the call that failed. */
record GdalError(int number, String message) {

    static GdalError last() {
        return new GdalError(GdalBindings.lastErrorNumber(), GdalBindings.lastErrorMessage());
    }

    /** A {@link RemoteAccessException} when a remote path failed for a known reason, else a RasterException. */
    RasterException exception(String location, String gdalPath, String action) {
        return exception(location, gdalPath, action, null);
    }

    /** As above, with the failure to assume when GDAL's error does not tell (it often says nothing of a 404). */
    RasterException exception(String location, String gdalPath, String action, RemoteFailure unexplained) {
        RemoteFailure failure = null;
        if (RemoteFailure.isRemote(gdalPath)) {
            failure = RemoteFailure.classify(number, message);
            if (failure == null && number == 0) {
                failure = unexplained;
            }
        }
        return failure != null
                ? new RemoteAccessException(location, action, failure, message)
                : new RasterException(location, action + ": " + about(gdalPath));
    }

    /**
     * GDAL's message without the path the exception already starts with ("`PATH' not recognized...", "PATH: No such
     * file...") and without its closing full stop, so that it reads as one clause of a longer message.
     */
    private String about(String gdalPath) {
        String text = message.replace("`" + gdalPath + "' ", "");
        if (text.startsWith(gdalPath + ": ")) {
            text = text.substring(gdalPath.length() + 2);
        }
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
