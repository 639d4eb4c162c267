package io.tileinfer.raster;

import java.io.Serializable;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How remote inputs and outputs are reached ({@code s3://} through /vsis3/, {@code https://} through /vsicurl/),
 * as GDAL configuration options. A null field is left as it is (GDAL's default or the environment's); credentials
 * are never set here: GDAL takes them from the standard AWS chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN, AWS_PROFILE with ~/.aws/credentials and ~/.aws/config, web identity, instance metadata).
 *
 * @param endpoint          an S3-compatible endpoint such as {@code http://127.0.0.1:9000}; null for AWS
 * @param region            the bucket's region (AWS_REGION)
 * @param pathStyle         {@code bucket} in the path rather than the host name, as most S3-compatible stores
 *                          want; null means true with an endpoint and false without
 * @param anonymous         unsigned requests, for public buckets
 * @param timeoutSeconds    the limit of one HTTP request (GDAL_HTTP_TIMEOUT)
 * @param connectTimeoutSeconds the limit to connect (GDAL_HTTP_CONNECTTIMEOUT)
 * @param retries           further attempts after a timeout, a failed connection or an HTTP 429/5xx
 * @param retryDelaySeconds the first delay between attempts; GDAL grows it on each retry
 */
public record ObjectStoreOptions(URI endpoint, String region, Boolean pathStyle, Boolean anonymous,
                                 Integer timeoutSeconds, Integer connectTimeoutSeconds, Integer retries,
                                 Double retryDelaySeconds) implements Serializable {

    /** What {@link Gdal#init()} sets unless the environment sets it: bounded waits, a few retries. */
    static final ObjectStoreOptions DEFAULTS = new ObjectStoreOptions(null, null, null, null, 60, 10, 3, 1.0);

    /** Nothing set: GDAL's defaults and the environment. */
    public static final ObjectStoreOptions NONE = new ObjectStoreOptions(null, null, null, null, null, null, null,
            null);

    public ObjectStoreOptions {
        if (endpoint != null && !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
            throw new IllegalArgumentException("endpoint " + endpoint + ": expected http://HOST[:PORT] or https://...");
        }
    }

    /** The GDAL configuration options that these settings stand for, in a stable order. */
    public Map<String, String> gdalOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        if (endpoint != null) {
            String hostAndPath = endpoint.getRawAuthority() + stripTrailingSlash(endpoint.getRawPath());
            options.put("AWS_S3_ENDPOINT", hostAndPath);
            options.put("AWS_HTTPS", "https".equals(endpoint.getScheme()) ? "YES" : "NO");
        }
        if (endpoint != null || pathStyle != null) {
            boolean path = pathStyle != null ? pathStyle : endpoint != null;
            options.put("AWS_VIRTUAL_HOSTING", path ? "FALSE" : "TRUE");
        }
        if (region != null) {
            options.put("AWS_REGION", region);
        }
        if (anonymous != null) {
            options.put("AWS_NO_SIGN_REQUEST", anonymous ? "YES" : "NO");
        }
        if (timeoutSeconds != null) {
            options.put("GDAL_HTTP_TIMEOUT", timeoutSeconds.toString());
        }
        if (connectTimeoutSeconds != null) {
            options.put("GDAL_HTTP_CONNECTTIMEOUT", connectTimeoutSeconds.toString());
        }
        if (retries != null) {
            options.put("GDAL_HTTP_MAX_RETRY", retries.toString());
        }
        if (retryDelaySeconds != null) {
            options.put("GDAL_HTTP_RETRY_DELAY", retryDelaySeconds.toString());
        }
        return options;
    }

    /**
     * Sets these options process-wide (they take precedence over the environment) and drops what GDAL cached about
     * remote files, which may have come from another endpoint.
     */
    public void apply() {
        Gdal.init();
        gdalOptions().forEach(Gdal::setConfigOption);
        GdalBindings.vsiCurlClearCache();
    }

    private static String stripTrailingSlash(String path) {
        return path == null ? "" : path.replaceAll("/+$", "");
    }
}
