package io.tileinfer.api;

import io.tileinfer.raster.Crs;

import java.time.Duration;

/**
 * How the API serves: where it listens and its limits. Memory is bounded by {@code maxInFlight} request bodies of
 * at most {@code maxBodyBytes}, plus {@code workers} tiles of at most {@code maxTileSide} squared pixels being
 * processed; beyond {@code maxInFlight} requests are refused with 503 rather than queued without bound.
 *
 * @param apiKey        bearer token the inference endpoints require; null when they are open
 * @param crs           every uploaded GeoTIFF must be in this CRS; null to accept any
 * @param shutdownDelay on SIGTERM, how long readiness reports false before the server stops taking connections
 *                      (time for a load balancer to notice)
 * @param maxConnections connections open at once (beyond, new ones wait in the accept queue); 0 for a number sized
 *                      from the process's file descriptor limit (see {@link ConnectionLimit})
 */
public record ApiSettings(String host, int port, long maxBodyBytes, int maxTileSide, int maxInFlight, int workers,
                          Duration requestTimeout, String apiKey, Crs crs, Duration shutdownDelay,
                          Duration shutdownTimeout, int maxConnections) {

    public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;
    public static final int DEFAULT_MAX_TILE_SIDE = 1024;
    public static final int DEFAULT_MAX_IN_FLIGHT = 32;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public ApiSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535 (0 picks a free port), found " + port);
        }
        requirePositive(maxBodyBytes, "maximum body size (bytes)");
        requirePositive(maxTileSide, "maximum tile side (pixels)");
        requirePositive(maxInFlight, "maximum requests in flight");
        requirePositive(workers, "inference workers");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout (--request-timeout) must be more than 0 s, found "
                    + seconds(requestTimeout));
        }
        if (shutdownDelay.isNegative() || shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdown delay and timeout (--shutdown-delay, --shutdown-timeout) "
                    + "must be 0 s or more, found " + seconds(shutdownDelay) + " and " + seconds(shutdownTimeout));
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maximum connections (--max-connections) must be 0 (from the file "
                    + "descriptor limit) or more, found " + maxConnections);
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("the API key must not be blank (leave it unset to serve without one)");
        }
    }

    /** Loopback, a free port, the default limits, one worker per core, no API key, no CRS constraint. */
    public static ApiSettings defaults() {
        return new ApiSettings("127.0.0.1", 0, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_TILE_SIDE, DEFAULT_MAX_IN_FLIGHT,
                Runtime.getRuntime().availableProcessors(), DEFAULT_REQUEST_TIMEOUT, null, null, Duration.ZERO,
                Duration.ofSeconds(30), 0);
    }

    public ApiSettings withPort(int newPort) {
        return new ApiSettings(host, newPort, maxBodyBytes, maxTileSide, maxInFlight, workers, requestTimeout, apiKey,
                crs, shutdownDelay, shutdownTimeout, maxConnections);
    }

    public ApiSettings withLimits(long newMaxBodyBytes, int newMaxTileSide, int newMaxInFlight, int newWorkers,
                                  Duration newRequestTimeout) {
        return new ApiSettings(host, port, newMaxBodyBytes, newMaxTileSide, newMaxInFlight, newWorkers,
                newRequestTimeout, apiKey, crs, shutdownDelay, shutdownTimeout, maxConnections);
    }

    public ApiSettings withApiKey(String newApiKey) {
        return new ApiSettings(host, port, maxBodyBytes, maxTileSide, maxInFlight, workers, requestTimeout, newApiKey,
                crs, shutdownDelay, shutdownTimeout, maxConnections);
    }

    public ApiSettings withCrs(Crs newCrs) {
        return new ApiSettings(host, port, maxBodyBytes, maxTileSide, maxInFlight, workers, requestTimeout, apiKey,
                newCrs, shutdownDelay, shutdownTimeout, maxConnections);
    }

    public ApiSettings withShutdown(Duration newDelay, Duration newTimeout) {
        return new ApiSettings(host, port, maxBodyBytes, maxTileSide, maxInFlight, workers, requestTimeout, apiKey,
                crs, newDelay, newTimeout, maxConnections);
    }

    public ApiSettings withHost(String newHost) {
        return new ApiSettings(newHost, port, maxBodyBytes, maxTileSide, maxInFlight, workers, requestTimeout, apiKey,
                crs, shutdownDelay, shutdownTimeout, maxConnections);
    }

    public ApiSettings withMaxConnections(int newMaxConnections) {
        return new ApiSettings(host, port, maxBodyBytes, maxTileSide, maxInFlight, workers, requestTimeout, apiKey,
                crs, shutdownDelay, shutdownTimeout, newMaxConnections);
    }

    private static String seconds(Duration duration) {
        return (duration.toMillis() % 1000 == 0 ? String.valueOf(duration.toSeconds())
                : String.valueOf(duration.toMillis() / 1000.0)) + " s";
    }

    private static void requirePositive(long value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, found " + value);
        }
    }
}
