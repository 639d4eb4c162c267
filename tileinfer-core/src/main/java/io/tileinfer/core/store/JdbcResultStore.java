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
import java.time.Instant;
import java.util.ArrayList;
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
              manifest TEXT)""",
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
            "CREATE INDEX IF NOT EXISTS tile_results_scene ON tile_results (run_id, scene_id)"
    };

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
                // WAL: readers (the API, a second process) do not block the writer; a crash loses no commit.
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA busy_timeout=30000");
                for (String ddl : SCHEMA) {
                    statement.execute(ddl);
                }
            }
            return new JdbcResultStore(url, connection);
        } catch (SQLException | java.io.IOException e) {
            throw new StoreException(url + ": cannot open the result store: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void saveRun(RunRecord run) {
        String sql = """
                INSERT INTO runs (run_id, config_path, config_sha256, model_version, started_at, finished_at, status,
                                  manifest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id) DO UPDATE SET finished_at = excluded.finished_at, status = excluded.status,
                  manifest = excluded.manifest""";
        execute("save run " + run.runId(), sql, run.runId(), run.configPath(), run.configSha256(),
                run.modelVersion(), run.startedAt().toString(),
                run.finishedAt() == null ? null : run.finishedAt().toString(), run.status(), run.manifest());
    }

    @Override
    public synchronized void saveScene(SceneResult scene) {
        String sql = """
                INSERT INTO scenes (run_id, scene_id, status, error, tiles, output, output_sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, scene_id) DO UPDATE SET status = excluded.status, error = excluded.error,
                  tiles = excluded.tiles, output = excluded.output, output_sha256 = excluded.output_sha256""";
        execute("save scene " + scene.sceneId(), sql, scene.runId(), scene.sceneId(), scene.status().name(),
                scene.error(), scene.tiles(), scene.output(), scene.outputSha256());
    }

    @Override
    public synchronized void saveTiles(List<TileResult> tiles) {
        String sql = """
                INSERT INTO tile_results (run_id, tile_id, scene_id, tile_index, x, y, width, height,
                  min_x, min_y, max_x, max_y, status, error, cause, attempts, class_fractions, latency_ms,
                  input_sha256, model_version, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, tile_id) DO UPDATE SET status = excluded.status, error = excluded.error,
                  cause = excluded.cause, attempts = excluded.attempts, class_fractions = excluded.class_fractions,
                  latency_ms = excluded.latency_ms, input_sha256 = excluded.input_sha256,
                  model_version = excluded.model_version, recorded_at = excluded.recorded_at
                -- like the PostgreSQL store: a late failure (a retried Spark task) never undoes a finished tile
                WHERE tile_results.status = 'FAILED' OR excluded.status <> 'FAILED'""";
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                String now = Instant.now().toString();
                for (TileResult t : tiles) {
                    Window w = t.window();
                    bind(insert, t.runId(), t.tileId(), t.sceneId(), t.tileIndex(), w.x(), w.y(), w.width(),
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
            throw new StoreException(url + ": cannot save " + tiles.size() + " tile rows: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Map<String, TileStatus> tileStatuses(String runId, String sceneId) {
        Map<String, TileStatus> statuses = new HashMap<>();
        query("read tile statuses", "SELECT tile_id, status FROM tile_results WHERE run_id = ? AND scene_id = ?",
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
    public synchronized TileCounts tileCounts(String runId) {
        Map<String, Long> counts = new HashMap<>();
        query("count tiles", "SELECT status, COUNT(*) FROM tile_results WHERE run_id = ? GROUP BY status",
                rs -> counts.put(rs.getString(1), rs.getLong(2)), runId);
        return TileCounts.of(counts);
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
    public synchronized List<RunRecord> runs() {
        return runsWhere("1 = 1 ORDER BY started_at DESC");
    }

    @Override
    public synchronized Optional<RunRecord> run(String runId) {
        return runsWhere("run_id = ?", runId).stream().findFirst();
    }

    private List<RunRecord> runsWhere(String condition, Object... parameters) {
        List<RunRecord> runs = new ArrayList<>();
        query("read runs", """
                SELECT run_id, config_path, config_sha256, model_version, started_at, finished_at, status, manifest
                FROM runs WHERE\s""" + condition, rs -> runs.add(new RunRecord(rs.getString(1),
                rs.getString(2), rs.getString(3), rs.getString(4), Instant.parse(rs.getString(5)),
                rs.getString(6) == null ? null : Instant.parse(rs.getString(6)), rs.getString(7),
                rs.getString(8))), parameters);
        return runs;
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException(url + ": cannot close: " + e.getMessage(), e);
        }
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String what, String sql, RowReader reader, Object... parameters) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new StoreException(url + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private void execute(String what, String sql, Object... parameters) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(url + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }
}
