package io.tileinfer.core.store;

import io.tileinfer.raster.Window;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The SQL that the JDBC stores (SQLite, PostgreSQL) share, so that their rows stay the same: the upserts, the
 * queries both dialects accept as written, and how tile and scene rows are read back (the columns, in order, and the
 * record).
 */
public final class ResultRows {

    public static final String SAVE_RUN = """
            INSERT INTO runs (run_id, config_path, config_sha256, model_version, started_at, finished_at, status,
                              manifest, heartbeat_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id) DO UPDATE SET finished_at = excluded.finished_at, status = excluded.status,
              manifest = excluded.manifest, heartbeat_at = excluded.heartbeat_at""";

    /** A running run's sign of life; a row that has ended since (a late beat) is left as it is. */
    public static final String HEARTBEAT = "UPDATE runs SET heartbeat_at = ? WHERE run_id = ? AND status = 'running'";

    public static final String SAVE_SCENE = """
            INSERT INTO scenes (run_id, scene_id, status, error, tiles, output, output_sha256)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id, scene_id) DO UPDATE SET status = excluded.status, error = excluded.error,
              tiles = excluded.tiles, output = excluded.output, output_sha256 = excluded.output_sha256""";

    public static final String DELETE_TILES = "DELETE FROM tile_results WHERE run_id = ? AND scene_id = ?";

    public static final String TILE_STATUSES =
            "SELECT tile_id, status FROM tile_results WHERE run_id = ? AND scene_id = ?";

    /** {@code SELECT RUN_COLUMNS FROM runs WHERE ...}: the {@link RunRecord}'s fields, in order. */
    public static final String RUN_COLUMNS = """
            run_id, config_path, config_sha256, model_version, started_at, finished_at, status, manifest,
            heartbeat_at""";

    public static final String TILE_COLUMNS = """
            run_id, scene_id, tile_id, tile_index, x, y, width, height, min_x, min_y, max_x, max_y,
            status, error, cause, attempts, class_fractions, latency_ms, input_sha256, model_version""";

    public static final String SCENE_COLUMNS = "run_id, scene_id, status, error, tiles, output, output_sha256";

    private ResultRows() {
    }

    /**
     * The upsert of a tile's row, with the dialect's parameter for the class fractions' JSON and its expression for
     * the time recorded (the last column). A late failure (a concurrent worker's, a retried Spark task's) never
     * overwrites a tile that another attempt finished.
     */
    public static String saveTile(String fractionsParameter, String recordedAt) {
        return """
                INSERT INTO tile_results (run_id, tile_id, scene_id, tile_index, x, y, width, height,
                  min_x, min_y, max_x, max_y, status, error, cause, attempts, class_fractions, latency_ms,
                  input_sha256, model_version, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, %s, ?, ?, ?, %s)
                ON CONFLICT (run_id, tile_id) DO UPDATE SET status = excluded.status, error = excluded.error,
                  cause = excluded.cause, attempts = excluded.attempts, class_fractions = excluded.class_fractions,
                  latency_ms = excluded.latency_ms, input_sha256 = excluded.input_sha256,
                  model_version = excluded.model_version, recorded_at = excluded.recorded_at
                WHERE tile_results.status = 'FAILED' OR excluded.status <> 'FAILED'""".formatted(fractionsParameter,
                recordedAt);
    }

    /**
     * The tile counts of the runs that {@code runs} (the dialect's condition on run_id) selects: a row a run and
     * status.
     */
    public static String tileCounts(String runs) {
        return "SELECT run_id, status, COUNT(*) FROM tile_results WHERE " + runs + " GROUP BY run_id, status";
    }

    /** No tiles counted yet for each of the runs, which the rows of {@link #tileCounts} then fill in. */
    public static Map<String, TileCounts> noTiles(Collection<String> runIds) {
        Map<String, TileCounts> counts = new HashMap<>();
        runIds.forEach(runId -> counts.put(runId, TileCounts.NONE));
        return counts;
    }

    /** Adds the row of a {@link #tileCounts} query to the counts of its run. */
    public static void countTiles(ResultSet rs, Map<String, TileCounts> counts) throws SQLException {
        String runId = rs.getString(1);
        counts.put(runId, counts.get(runId).with(TileStatus.valueOf(rs.getString(2)), rs.getLong(3)));
    }

    /** The row of a {@code SELECT TILE_COLUMNS ...}. */
    public static TileResult tile(ResultSet rs) throws SQLException {
        return new TileResult(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                new Window(rs.getInt(5), rs.getInt(6), rs.getInt(7), rs.getInt(8)),
                new double[]{rs.getDouble(9), rs.getDouble(10), rs.getDouble(11), rs.getDouble(12)},
                TileStatus.valueOf(rs.getString(13)), rs.getString(14), rs.getString(15), rs.getInt(16),
                ClassFractionsJson.read(rs.getString(17)), rs.getDouble(18), rs.getString(19), rs.getString(20));
    }

    /** The row of a {@code SELECT SCENE_COLUMNS ...}. */
    public static SceneResult scene(ResultSet rs) throws SQLException {
        return new SceneResult(rs.getString(1), rs.getString(2), SceneStatus.valueOf(rs.getString(3)),
                rs.getString(4), rs.getInt(5), rs.getString(6), rs.getString(7));
    }
}
