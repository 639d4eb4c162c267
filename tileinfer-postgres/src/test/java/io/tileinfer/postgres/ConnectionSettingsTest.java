package io.tileinfer.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {

    @Test
    void thePasswordLeavesTheUrl() {
        ConnectionSettings settings = ConnectionSettings.of(
                "jdbc:postgresql://db:5432/results?user=batch&password=p%40ss&sslmode=require", Map.of());
        assertEquals("jdbc:postgresql://db:5432/results?user=batch&sslmode=require", settings.url());
        assertEquals("p@ss", settings.password());
        assertEquals(null, settings.user(), "the URL's user stays in the URL");
    }

    @Test
    void pgPasswordAndPgUserFillWhatTheUrlLeavesOut() {
        ConnectionSettings settings = ConnectionSettings.of("jdbc:postgresql://db/results",
                Map.of("PGUSER", "batch", "PGPASSWORD", "from-env"));
        assertEquals("jdbc:postgresql://db/results", settings.url());
        assertEquals("batch", settings.user());
        assertEquals("from-env", settings.password());
        assertEquals("from-url", ConnectionSettings.of("jdbc:postgresql://db/r?password=from-url",
                Map.of("PGPASSWORD", "from-env")).password());
    }
}
