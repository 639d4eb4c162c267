package io.tileinfer.core.config;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Date-times as a scene's {@code acquired} and a STAC Item's {@code datetime} must be: RFC 3339, a date, a time and
 * a time zone. Without its zone a time names no instant, so none is assumed.
 */
public final class DateTimes {
    public static final String EXPECTED = "an RFC 3339 date-time with a time zone (Z or ±hh:mm), such as "
            + "2015-08-04T16:19:21Z";

    private DateTimes() {
    }

    /** @throws IllegalArgumentException saying what {@code text} is instead, e.g. {@code "…" (no time zone)} */
    public static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("\"" + text + "\"" + shortfall(text));
        }
    }

    private static String shortfall(String text) {
        if (parses(DateTimeFormatter.ISO_LOCAL_DATE_TIME, text)) {
            return " (no time zone)";
        }
        return parses(DateTimeFormatter.ISO_LOCAL_DATE, text) ? " (a date without a time)" : "";
    }

    private static boolean parses(DateTimeFormatter format, String text) {
        try {
            format.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
