package io.tileinfer.raster;

import java.util.ArrayList;
import java.util.List;

/** The calling thread's last GDAL error, taken right after the call that failed. */
record GdalError(int number, String message, String specific) {

    GdalError(int number, String message) {
        this(number, message, message);
    }

    static GdalError last() {
        return new GdalError(GdalBindings.lastErrorNumber(), GdalBindings.lastErrorMessage());
    }

    /**
     * The last error with what the same call said before it ({@link GdalMessages}), earliest first: the first
     * message is the most specific ("HTTP range request ... failed: transfer closed with ..."), the last one the
     * most general ("IReadBlock failed ...").
     */
    static GdalError last(List<String> earlier) {
        GdalError last = last();
        List<String> all = new ArrayList<>();
        for (String message : earlier) {
            String text = withoutFullStop(message);
            if (!all.contains(text)) {
                all.add(text);
            }
        }
        if (all.isEmpty()) {
            return last;
        }
        String lastText = withoutFullStop(last.message());
        if (!all.contains(lastText) && !GdalBindings.NO_DETAILS.equals(lastText)) {
            all.add(lastText);
        }
        return new GdalError(last.number(), String.join("; ", all), all.getFirst());
    }

    /** A {@link RemoteAccessException} when a remote path failed for a known reason, else a RasterException. */
    RasterException exception(String location, String gdalPath, String action) {
        return exception(location, gdalPath, action, null);
    }

    /** As above, with the failure to assume when GDAL's error does not tell (it often says nothing of a 404). */
    RasterException exception(String location, String gdalPath, String action, RemoteFailure unexplained) {
        RemoteFailure failure = null;
        if (RemoteFailure.isRemote(gdalPath)) {
            failure = RemoteFailure.classify(number, specific); // the earliest message tells the cause best
            if (failure == null) {
                failure = RemoteFailure.classify(number, message);
            }
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
        return withoutFullStop(text);
    }

    private static String withoutFullStop(String text) {
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
