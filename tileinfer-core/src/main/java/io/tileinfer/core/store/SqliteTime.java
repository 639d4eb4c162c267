package io.tileinfer.core.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How the SQLite store writes an instant: ISO-8601 in UTC with always nine fractional digits, so that the text
 * order of {@code runs.started_at} (which the runs' index and pages use) is its time order. Instant.toString, which
 * the store wrote before, drops trailing groups of zeros, and "…05Z" sorts after "…05.5Z".
 */
final class SqliteTime {
    private static final DateTimeFormatter TEXT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** The store file's {@code user_version} once its start times are all in this form. */
    static final int NORMALIZED_VERSION = 1;

    /** Rewrites the start of runs written before in Instant.toString's 0, 3 or 6 fractional digits; idempotent. */
    static final String NORMALIZE_STARTED_AT = """
            UPDATE runs SET started_at = substr(started_at, 1, 19) || '.'
              || substr(rtrim(substr(started_at, 21), 'Z') || '000000000', 1, 9) || 'Z'
            WHERE length(started_at) <> 30""";

    private SqliteTime() {
    }

    static String text(Instant instant) {
        return instant == null ? null : TEXT.format(instant);
    }
}
