package io.tileinfer.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStores;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several processes writing the same run at once, as batch workers and API replicas do. */
class ConcurrentWritersTest {
    private static final int TILES = 600;

    @Test
    void twoProcessesWritingTheSameRunNeitherDuplicateNorLoseARow(@TempDir Path dir) throws Exception {
        PostgresServer server = PostgresServer.shared();
        String url = server.url(server.createDatabase());
        try (ResultStore store = ResultStores.open(url)) { // migrate first, so the writers race on rows only
            assertEquals(0, store.tiles("run").size());
        }
        // Both write every tile, in opposite orders and different batch sizes, so that their transactions
        // overlap on the same rows; a third writer records failures of tiles the others finish.
        Process up = StoreWriter.start(dir.resolve("up.log"), url, "run", "0", "" + TILES, "7", "asc", "DONE");
        Process down = StoreWriter.start(dir.resolve("down.log"), url, "run", "0", "" + TILES, "5", "desc", "DONE");
        Process failing = StoreWriter.start(dir.resolve("failing.log"), url, "run", "200", "400", "11", "asc",
                "FAILED");
        for (Process p : List.of(up, down, failing)) {
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "a writer hung");
        }
        assertEquals(0, up.exitValue(), Files.readString(dir.resolve("up.log")));
        assertEquals(0, down.exitValue(), Files.readString(dir.resolve("down.log")));
        assertEquals(0, failing.exitValue(), Files.readString(dir.resolve("failing.log")));

        try (ResultStore store = ResultStores.open(url)) {
            List<TileResult> rows = store.tiles("run");
            assertEquals(TILES, rows.size(), "one row per tile");
            for (int i = 0; i < TILES; i++) {
                assertEquals(i, rows.get(i).tileIndex(), "no tile lost");
            }
            assertTrue(rows.stream().allMatch(r -> r.status() == TileStatus.DONE),
                    "a failure recorded after a tile was finished does not overwrite it");
        }
        try (Connection connection = DriverManager.getConnection(url);
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT count(*), count(DISTINCT tile_id) FROM tile_results")) {
            rs.next();
            assertEquals(TILES, rs.getInt(1));
            assertEquals(TILES, rs.getInt(2));
        }
    }
}
