package io.tileinfer.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/** The optional bearer token of the inference endpoints. */
final class ApiKey {

    private static final String PREFIX = "Bearer ";
    private final byte[] expected;

    ApiKey(String key) {
        this.expected = key.getBytes(StandardCharsets.UTF_8);
    }

    /** @throws ApiException 401 with WWW-Authenticate when the Authorization header does not carry the key */
    void check(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw unauthorized("missing API key: send the header 'Authorization: Bearer <key>'");
        }
        byte[] given = authorization.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8);
        // Constant time, so that the response time does not tell how much of a guess was right.
        if (!MessageDigest.isEqual(expected, given)) {
            throw unauthorized("wrong API key in the Authorization header");
        }
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message,
                Map.of("WWW-Authenticate", "Bearer realm=\"tileinfer\""));
    }
}
