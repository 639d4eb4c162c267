package io.tileinfer.core.run;

import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.RunRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunHeartbeatTest {
    @TempDir
    Path dir;

    @Test
    void beatsWhileOpenAndNeverAfterClose() throws InterruptedException {
        Instant started = Instant.parse("2026-01-02T03:04:05Z");
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("r.db"))) {
            store.saveRun(new RunRecord("r", "c.yaml", "sha", "m-1", started, null, "running", null, started));
            try (RunHeartbeat ignored = RunHeartbeat.start(store, "r", Duration.ofMillis(20))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (store.run("r").orElseThrow().heartbeatAt().equals(started) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            }
            Instant last = store.run("r").orElseThrow().heartbeatAt();
            assertTrue(last.isAfter(started), "a beat was saved: " + last);
            Thread.sleep(200); // ten intervals
            assertEquals(last, store.run("r").orElseThrow().heartbeatAt(), "no beat after close");
        }
    }
}
