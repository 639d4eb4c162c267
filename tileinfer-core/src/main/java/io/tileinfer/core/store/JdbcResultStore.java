package io.tileinfer.core.store;

import io.tileinfer.raster.Window;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded result store: SQLite through JDBC, one file. The SQL is the standard upsert
 * ({@code INSERT ... ON CONFLICT ... DO UPDATE}) so that rows are keyed, never duplicated.
 */
public final class JdbcResultStore implements ResultStore {
    private static final String[] SCHEMA = {
            """
            CREATE TABLE IF NOT EXISTS runs (
              run_id TEXT PRIMARY KEY, config_path TEXT NOT NULL, config_sha256 TEXT NOT NULL,
              model_version TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
              manifest TEXT, heartbeat_at TEXT)""",
            """
            CREATE TABLE IF NOT EXISTS scenes (
              run_id TEXT NOT NULL, scene_id TEXT NOT NULL, status TEXT NOT NULL, error TEXT,
              tiles INTEGER NOT NULL, output TEXT, output_sha256 TEXT, PRIMARY KEY (run_id, scene_id))""",
            """
            CREATE TABLE IF NOT EXISTS tile_results (
              run_id TEXT NOT NULL, tile_id TEXT NOT NULL, scene_id TEXT NOT NULL, tile_index INTEGER NOT NULL,
              x INTEGER NOT NULL, y INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
              min_x REAL NOT NULL, min_y REAL NOT NULL, max_x REAL NOT NULL, max_y REAL NOT NULL,
              status TEXT NOT NULL, error TEXT, cause TEXT, attempts INTEGER NOT NULL, class_fractions TEXT,
              latency_ms REAL NOT NULL, input_sha256 TEXT, model_version TEXT NOT NULL, recorded_at TEXT NOT NULL,
              PRIMARY KEY (run_id, tile_id))""",
            "CREATE INDEX IF NOT EXISTS tile_results_scene ON tile_results (run_id, scene_id)",
            // the pages of runs, newest first, are ranges of this index read backwards
            "CREATE INDEX IF NOT EXISTS runs_by_start ON runs (started_at, run_id)"
    };

    /** The store file's {@code user_version} once its start times are normalized and its runs have a heartbeat. */
    private static final int SCHEMA_VERSION = 2;

    private static final int SQLITE_BUSY = 5;
    private static final Duration WAL_SWITCH_PATIENCE = Duration.ofSeconds(30);

    /** SQLite binds the JSON as text and the time recorded as an ISO-8601 text parameter. */
    private static final String SAVE_TILE = ResultRows.saveTile("?", "?");

    private final String url;
    private final Connection connection;

    private JdbcResultStore(String url, Connection connection) {
        this.url = url;
        this.connection = connection;
    }

    /** Opens (and creates) the SQLite store at a {@code jdbc:sqlite:PATH} URL. */
    public static JdbcResultStore open(String url) {
        if (!url.startsWith("jdbc:sqlite:")) {
            throw new StoreException(url + ": unsupported store, expected jdbc:sqlite:PATH", null);
        }
        try {
            Path file = Path.of(url.substring("jdbc:sqlite:".length()));
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Connection connection = DriverManager.getConnection(url);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout=30000");
                // WAL: readers (the API, a second process) do not block the writer; a crash loses no commit.
                useWal(statement);
                for (String ddl : SCHEMA) {
                    statement.execute(ddl);
                }
                migrate(statement);
            } catch (SQLException | RuntimeException e) { // a long-lived API opens again: no connection left behind
                try {
                    connection.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            return new JdbcResultStore(url, connection);
        } catch (SQLException | java.io.IOException e) {
            throw Jdbc.failure(url, "open the result store", e);
        }
    }

    /**
     * Switches the file to WAL, which it keeps. Two connections that both hold a read lock and both want the write
     * lock the switch needs would wait for each other, so SQLite answers one of them SQLITE_BUSY at once, without its
     * busy handler: processes opening a store together try again for a while rather than fail. (CI met it once, in
     * the four concurrent opens of JdbcResultStoreTest's migration test; it did not come back on demand here.)
     */
    private static void useWal(Statement statement) throws SQLException {
        long deadline = System.nanoTime() + WAL_SWITCH_PATIENCE.toNanos();
        while (true) {
            try {
                statement.execute("PRAGMA journal_mode=WAL");
                return;
            } catch (SQLException e) {
                boolean busy = e.getErrorCode() == SQLITE_BUSY || String.valueOf(e.getMessage())
                        .contains("SQLITE_BUSY");
                if (!busy || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Brings a store file written by an earlier version to this one, once (its {@code user_version} says so after):
     * an UPDATE takes SQLite's write lock even when it changes nothing, which every open would otherwise wait for
     * behind a batch that is writing. The first process to take the write lock migrates; the others find it done.
     */
    private static void migrate(Statement statement) throws SQLException {
        if (userVersion(statement) >= SCHEMA_VERSION) {
            return;
        }
        statement.execute("BEGIN IMMEDIATE");
        try {
            int version = userVersion(statement);
            if (version < SqliteTime.NORMALIZED_VERSION) {
                statement.execute(SqliteTime.NORMALIZE_STARTED_AT);
            }
            if (version < SCHEMA_VERSION && !hasColumn(statement, "runs", "heartbeat_at")) {
                statement.execute("ALTER TABLE runs ADD COLUMN heartbeat_at TEXT");
            }
            statement.execute("PRAGMA user_version = " + Math.max(version, SCHEMA_VERSION));
            statement.execute("COMMIT");
        } catch (SQLException e) {
            try {
                statement.execute("ROLLBACK");
            } catch (SQLException notActive) { // SQLite rolled back itself (an I/O error, a full disk)
                e.addSuppressed(notActive);
            }
            throw e;
        }
    }

    private static int userVersion(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static boolean hasColumn(Statement statement, String table, String column) throws SQLException {
        try (ResultSet rs = statement.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                if (column.equals(rs.getString("name"))) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public synchronized void saveRun(RunRecord run) {
        execute("save run " + run.runId(), ResultRows.SAVE_RUN, run.runId(), run.configPath(), run.configSha256(),
                run.modelVersion(), SqliteTime.text(run.startedAt()), SqliteTime.text(run.finishedAt()), run.status(),
                run.manifest(), SqliteTime.text(run.heartbeatAt()));
    }

    @Override
    public synchronized void heartbeat(String runId, Instant at) {
        execute("save the heartbeat of run " + runId, ResultRows.HEARTBEAT, SqliteTime.text(at), runId);
    }

    @Override
    public synchronized void saveScene(SceneResult scene) {
        execute("save scene " + scene.sceneId(), ResultRows.SAVE_SCENE, scene.runId(), scene.sceneId(),
                scene.status().name(), scene.error(), scene.tiles(), scene.output(), scene.outputSha256());
    }

    @Override
    public synchronized void deleteTiles(String runId, String sceneId) {
        execute("delete the tile rows of scene " + sceneId, ResultRows.DELETE_TILES, runId, sceneId);
    }

    @Override
    public synchronized void saveTiles(List<TileResult> tiles) {
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(SAVE_TILE)) {
                String now = Instant.now().toString();
                for (TileResult t : tiles) {
                    Window w = t.window();
                    Jdbc.bind(insert, t.runId(), t.tileId(), t.sceneId(), t.tileIndex(), w.x(), w.y(), w.width(),
                            w.height(), t.bounds()[0], t.bounds()[1], t.bounds()[2], t.bounds()[3],
                            t.status().name(), t.error(), t.cause(), t.attempts(), ClassFractionsJson.write(t.classFractions()),
                            t.latencyMs(), t.inputSha256(), t.modelVersion(), now);
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw Jdbc.failure(url, "save " + tiles.size() + " tile rows", e);
        }
    }

    @Override
    public synchronized Map<String, TileStatus> tileStatuses(String runId, String sceneId) {
        Map<String, TileStatus> statuses = new HashMap<>();
        query("read tile statuses", ResultRows.TILE_STATUSES,
                rs -> statuses.put(rs.getString(1), TileStatus.valueOf(rs.getString(2))), runId, sceneId);
        return statuses;
    }

    @Override
    public synchronized List<TileResult> tiles(String runId) {
        return tilesWhere("run_id = ? ORDER BY scene_id, tile_index", runId);
    }

    @Override
    public synchronized List<TileResult> tiles(String runId, String sceneId) {
        return tilesWhere("run_id = ? AND scene_id = ? ORDER BY tile_index", runId, sceneId);
    }

    @Override
    public synchronized List<TileResult> failures(String runId) {
        return tilesWhere("run_id = ? AND status = 'FAILED' ORDER BY scene_id, tile_index", runId);
    }

    @Override
    public synchronized Map<String, TileCounts> tileCounts(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return Map.of();
        }
        // a parameter a run: a page of runs (500 at most) is far below SQLite's limit of 32766
        String parameters = String.join(", ", Collections.nCopies(runIds.size(), "?"));
        Map<String, TileCounts> counts = ResultRows.noTiles(runIds);
        query("count the tiles of " + runIds.size() + " runs", ResultRows.tileCounts("run_id IN (" + parameters + ")"),
                rs -> ResultRows.countTiles(rs, counts), runIds.toArray());
        return counts;
    }

    private List<TileResult> tilesWhere(String condition, Object... parameters) {
        List<TileResult> tiles = new ArrayList<>();
        query("read tiles", "SELECT " + ResultRows.TILE_COLUMNS + " FROM tile_results WHERE " + condition,
                rs -> tiles.add(ResultRows.tile(rs)), parameters);
        return tiles;
    }

    @Override
    public synchronized List<SceneResult> scenes(String runId) {
        List<SceneResult> scenes = new ArrayList<>();
        query("read scenes", "SELECT " + ResultRows.SCENE_COLUMNS + " FROM scenes WHERE run_id = ? ORDER BY scene_id",
                rs -> scenes.add(ResultRows.scene(rs)), runId);
        return scenes;
    }

    @Override
    public synchronized RunPage runs(int limit, RunCursor before) {
        int rows = RunPage.rowsToRead(limit);
        String newestFirst = " ORDER BY started_at DESC, run_id DESC LIMIT ?";
        List<RunRecord> runs = before == null ? runsWhere("1 = 1" + newestFirst, rows)
                : runsWhere("(started_at, run_id) < (?, ?)" + newestFirst, SqliteTime.text(before.startedAt()),
                        before.runId(), rows);
        return RunPage.of(runs, limit);
    }

    @Override
    public synchronized Optional<RunRecord> run(String runId) {
        return runsWhere("run_id = ?", runId).stream().findFirst();
    }

    private List<RunRecord> runsWhere(String condition, Object... parameters) {
        List<RunRecord> runs = new ArrayList<>();
        query("read runs", "SELECT " + ResultRows.RUN_COLUMNS + " FROM runs WHERE " + condition,
                rs -> runs.add(new RunRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Instant.parse(rs.getString(5)), instant(rs.getString(6)), rs.getString(7), rs.getString(8),
                        instant(rs.getString(9)))), parameters);
        return runs;
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw Jdbc.failure(url, "close", e);
        }
    }

    private void query(String what, String sql, Jdbc.RowReader reader, Object... parameters) {
        try {
            Jdbc.query(connection, sql, reader, parameters);
        } catch (SQLException e) {
            throw Jdbc.failure(url, what, e);
        }
    }

    private void execute(String what, String sql, Object... parameters) {
        try {
            Jdbc.update(connection, sql, parameters);
        } catch (SQLException e) {
            throw Jdbc.failure(url, what, e);
        }
    }
}
