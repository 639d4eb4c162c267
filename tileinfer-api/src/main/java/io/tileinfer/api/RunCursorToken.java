package io.tileinfer.api;

import io.tileinfer.core.store.RunCursor;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * The runs list's cursor as the page sees it: an opaque string (base64url of the last run's start and id), so that
 * clients pass back the {@code next} they were given rather than build one, and the store's order can change.
 */
final class RunCursorToken {
    /** Never in an ISO-8601 instant: the run id, which may hold anything, is all that follows it. */
    private static final char SEPARATOR = '|';

    private RunCursorToken() {
    }

    static String encode(RunCursor cursor) {
        String text = cursor.startedAt().toString() + SEPARATOR + cursor.runId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws ApiException 400 naming {@code parameter} when {@code token} is not a cursor this API wrote */
    static RunCursor decode(String parameter, String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int separator = text.indexOf(SEPARATOR);
            if (separator > 0 && separator < text.length() - 1) {
                return new RunCursor(Instant.parse(text.substring(0, separator)), text.substring(separator + 1));
            }
        } catch (IllegalArgumentException | DateTimeParseException malformed) {
            // reported below, like a token without its two parts
        }
        throw ApiException.badRequest(parameter + ": not a cursor of the runs list, expected the \"next\" of an "
                + "earlier reply");
    }
}
