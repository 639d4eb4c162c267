package io.tileinfer.raster;

import java.util.regex.Pattern;

/** Why a remote file could not be reached, told apart from GDAL's error number and message. */
public enum RemoteFailure {
    // the settings by their configuration keys, and by the environment for what runs without one (validate, serve)
    UNREACHABLE("the endpoint cannot be reached or gave no answer",
            "check the URL's host or object_store.endpoint (without a configuration: AWS_ENDPOINT_URL)"),
    NOT_FOUND("no such object", "check the bucket and key, or the URL"),
    ACCESS_DENIED("access denied", "check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
            + "AWS_PROFILE) and the bucket's policy"),
    TIMEOUT("timed out", "raise object_store.timeout_seconds or object_store.retries if the store is slow "
            + "(without a configuration: GDAL_HTTP_TIMEOUT or GDAL_HTTP_MAX_RETRY)"),
    INTERRUPTED("the transfer ended before all the data arrived", "a batch reads a failed tile again (its retries) "
            + "on the files opened afresh; if it keeps failing check the network, a proxy, or whether the object "
            + "changed while it was read");

    // CPLErrorNum values of cpl_error.h (GDAL >= 2.1)
    private static final int CPLE_AWS_BUCKET_NOT_FOUND = 12;
    private static final int CPLE_AWS_OBJECT_NOT_FOUND = 13;
    private static final int CPLE_AWS_ACCESS_DENIED = 14;
    private static final int CPLE_AWS_INVALID_CREDENTIALS = 15;
    private static final int CPLE_AWS_SIGNATURE_DOES_NOT_MATCH = 16;
    /** curl's words for a connection that closed mid-transfer, and libtiff's for the short read that follows. */
    private static final Pattern CUT_SHORT = Pattern.compile("transfer closed|Connection reset|Connection closed"
            + "|Recv failure|Empty reply|Failure when receiving|got \\d+ bytes, expected \\d+");
    private static final Pattern HTTP_STATUS = Pattern.compile("HTTP (?:response|error) code(?: on \\S+)? ?: (\\d{1,3})\\b");
    /** GDAL's virtual file systems that go over the network. */
    private static final Pattern REMOTE_PATH =
            Pattern.compile("^/vsi(curl|s3|gs|az|adls|oss|swift|webhdfs)(_streaming)?/.*");

    private final String summary;
    private final String advice;

    RemoteFailure(String summary, String advice) {
        this.summary = summary;
        this.advice = advice;
    }

    /** Whether the same request may succeed later (the network, the host): not so for a missing object or a denial. */
    public boolean mayPassLater() {
        return this == UNREACHABLE || this == TIMEOUT || this == INTERRUPTED;
    }

    /** An HTTP server's refusal is not a bucket's: its credentials are GDAL's HTTP options, not AWS's. */
    private static final String HTTP_ACCESS_ADVICE = "check the credentials the server expects (GDAL_HTTP_USERPWD "
            + "with GDAL_HTTP_AUTH, a netrc file with GDAL_HTTP_NETRC, or a header with GDAL_HTTP_HEADERS) and "
            + "whether the URL is public";

    /** What the user reads: what happened, GDAL's own words, and what to check for {@code location}. */
    public String describe(String gdalMessage, String location) {
        boolean http = location.startsWith("http://") || location.startsWith("https://")
                || location.startsWith("/vsicurl");
        return summary + " (" + gdalMessage + "): " + (this == ACCESS_DENIED && http ? HTTP_ACCESS_ADVICE : advice);
    }

    static boolean isRemote(String gdalPath) {
        return REMOTE_PATH.matcher(gdalPath).matches();
    }

    /** The failure an error stands for, or null when it is not one of these (a corrupt file, a bug). */
    static RemoteFailure classify(int errorNumber, String message) {
        switch (errorNumber) {
            case CPLE_AWS_BUCKET_NOT_FOUND, CPLE_AWS_OBJECT_NOT_FOUND -> {
                return NOT_FOUND;
            }
            case CPLE_AWS_ACCESS_DENIED, CPLE_AWS_INVALID_CREDENTIALS, CPLE_AWS_SIGNATURE_DOES_NOT_MATCH -> {
                return ACCESS_DENIED;
            }
            default -> {
            }
        }
        var status = HTTP_STATUS.matcher(message);
        if (status.find()) {
            switch (status.group(1)) {
                case "404", "410" -> {
                    return NOT_FOUND;
                }
                case "401", "403" -> {
                    return ACCESS_DENIED;
                }
                case "0" -> { // no HTTP answer at all; curl's reason is not passed on in this message
                    return UNREACHABLE;
                }
                default -> {
                }
            }
        }
        // S3's error codes, as GDAL quotes them from a response body (e.g. when an upload completes)
        if (message.contains("NoSuchBucket") || message.contains("NoSuchKey")) {
            return NOT_FOUND;
        }
        if (message.contains("AccessDenied") || message.contains("SignatureDoesNotMatch")
                || message.contains("InvalidAccessKeyId")) {
            return ACCESS_DENIED;
        }
        if (message.contains("timed out") || message.contains("Timeout was reached")) {
            return TIMEOUT;
        }
        if (message.contains("Couldn't connect") || message.contains("Failed to connect")
                || message.contains("Could not resolve") || message.contains("Connection refused")) {
            return UNREACHABLE;
        }
        if (CUT_SHORT.matcher(message).find()) {
            return INTERRUPTED;
        }
        return null;
    }
}
