package io.tileinfer.core.store;

import java.nio.file.Path;

/** Reads a SQLite results database that a run in another process or JVM is writing. */
public final class SqliteRows {
    private SqliteRows() {
    }

    /** The tile rows of the first run in {@code db}; 0 while the database is still being created. */
    public static int tiles(Path db) {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + db)) {
            var runs = store.runs(1, null).runs();
            return runs.isEmpty() ? 0 : store.tiles(runs.getFirst().runId()).size();
        } catch (RuntimeException e) {
            return 0; // the database is being created
        }
    }
}
