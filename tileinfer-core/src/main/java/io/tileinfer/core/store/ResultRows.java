package io.tileinfer.core.store;

import io.tileinfer.raster.Window;

import java.sql.ResultSet;
import java.sql.SQLException;

/** How the JDBC stores (SQLite, PostgreSQL) read tile and scene rows back: the columns, in order, and the record. */
public final class ResultRows {

    public static final String TILE_COLUMNS = """
            run_id, scene_id, tile_id, tile_index, x, y, width, height, min_x, min_y, max_x, max_y,
            status, error, cause, attempts, class_fractions, latency_ms, input_sha256, model_version""";

    public static final String SCENE_COLUMNS = "run_id, scene_id, status, error, tiles, output, output_sha256";

    private ResultRows() {
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
