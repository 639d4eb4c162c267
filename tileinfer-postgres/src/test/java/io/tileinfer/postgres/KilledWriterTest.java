package io.tileinfer.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStores;
import io.tileinfer.core.store.TileStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer killed with SIGKILL inside a transaction: its batch is all or nothing, and nothing stays locked. */
class KilledWriterTest {

    @Test
    void aWriterKilledMidTransactionLeavesOnlyWhatItCommitted(@TempDir Path dir) throws Exception {
        PostgresServer server = PostgresServer.shared();
        String url = server.url(server.createDatabase());
        Path log = dir.resolve("writer.log");
        // 500 rows committed in batches of 50, then 100 000 rows in one transaction, killed while it runs
        Process writer = StoreWriter.start(log, url, "run", "0", "500", "50", "asc", "DONE", "100000");
        try (Connection watcher = DriverManager.getConnection(url)) {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (!(Files.readString(log).contains("committed") && insertRunning(watcher))) {
                assertTrue(writer.isAlive(), "the writer ended before it was killed: " + Files.readString(log));
                assertTrue(Instant.now().isBefore(deadline), "the writer never started its big transaction");
                Thread.sleep(10);
            }
            writer.destroyForcibly(); // SIGKILL: no rollback sent, the socket just closes
            writer.waitFor();
            assertTrue(!Files.readString(log).contains("the huge batch committed"), Files.readString(log));
        }
        try (ResultStore store = ResultStores.open(url)) {
            assertEquals(500, store.tiles("run").size(), "the committed batches, and nothing of the killed one");
            // the killed transaction's row locks are gone: the same tiles can be written (the server aborts it)
            store.saveTiles(Rows.tiles("run", 400, 600, TileStatus.DONE));
            assertEquals(600, store.tiles("run").size());
        }
    }

    private static boolean insertRunning(Connection watcher) throws Exception {
        try (ResultSet rs = watcher.createStatement().executeQuery("""
                SELECT count(*) FROM pg_stat_activity
                WHERE application_name = 'tileinfer' AND xact_start IS NOT NULL
                  AND query LIKE 'INSERT INTO tile_results%'""")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }
}
