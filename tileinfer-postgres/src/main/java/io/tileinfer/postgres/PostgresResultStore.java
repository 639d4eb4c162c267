package io.tileinfer.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tileinfer.core.store.ClassFractionsJson;
import io.tileinfer.core.store.Jdbc;
import io.tileinfer.core.store.ResultRows;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.RunCursor;
import io.tileinfer.core.store.RunPage;
import io.tileinfer.core.store.RunRecord;
import io.tileinfer.core.store.SceneResult;
import io.tileinfer.core.store.StoreException;
import io.tileinfer.core.store.TileCounts;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.raster.Window;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shared result store: PostgreSQL through a connection pool, its schema kept by Flyway migrations. Many
 * processes (batch workers, API replicas) may write the same run at once: every write is an upsert keyed by run and
 * tile (or scene), a batch of tile rows commits in one transaction, and a transaction that loses a deadlock or a
 * serialization conflict to another writer is run again.
 */
public final class PostgresResultStore implements ResultStore {
    /** Attempts of a transaction that another writer's transaction aborted (deadlock, serialization failure). */
    private static final int CONFLICT_ATTEMPTS = 5;
    /** How long a connection may take to log in, and a query to be answered: far above what ours take. */
    static final int LOGIN_TIMEOUT_SECONDS = 15;
    static final int SOCKET_TIMEOUT_SECONDS = 300;
    private static final String SAVE_TILE = ResultRows.saveTile("?::json", "now()");

    private final String displayUrl;
    private final HikariDataSource pool;

    private PostgresResultStore(String displayUrl, HikariDataSource pool) {
        this.displayUrl = displayUrl;
        this.pool = pool;
    }

    /**
     * Connects to a {@code jdbc:postgresql://HOST:PORT/DB[?user=U&password=P]} URL (the password may come from
     * PGPASSWORD instead) and migrates the schema to this version; migrations of concurrent processes are
     * serialised by Flyway's lock.
     */
    public static PostgresResultStore open(String url) {
        return open(url, true).orElseThrow();
    }

    /**
     * As {@link #open(String)}; with {@code create} false (a reader: plan, runs, the web page) a database without the
     * result tables is left as it is and empty is returned, since nothing was recorded there: a mistyped database
     * name must not get tileinfer's tables.
     */
    static Optional<PostgresResultStore> open(String url, boolean create) {
        ConnectionSettings settings = ConnectionSettings.of(url, System.getenv());
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(poolConfig(settings));
        } catch (RuntimeException e) {
            StoreException failure = Jdbc.failure(settings.display(), "connect to PostgreSQL", e);
            throw settings.password() != null || !rejectedConnection(e) ? failure : new StoreException(
                    failure.getMessage() + " Set PGPASSWORD, a line in ~/.pgpass, or password=... in the URL.", e);
        }
        try {
            Flyway flyway = Flyway.configure().dataSource(pool).locations("classpath:db/migration/postgres").load();
            if (!create && flyway.info().applied().length == 0) {
                pool.close();
                return Optional.empty();
            }
            flyway.migrate();
        } catch (FlywayException e) {
            pool.close();
            throw Jdbc.failure(settings.display(), "migrate the result tables", e);
        }
        return Optional.of(new PostgresResultStore(settings.display(), pool));
    }

    /** The pool's settings: its size, its time to wait for a connection, and pgjdbc's properties. */
    static HikariConfig poolConfig(ConnectionSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("tileinfer-results");
        config.setJdbcUrl(settings.url());
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        config.addDataSourceProperty("ApplicationName", "tileinfer");
        // A server that accepts the connection and then says nothing (paused, or behind a dead proxy) would
        // otherwise hold the batch forever: pgjdbc waits without limit for the login's and every query's answer.
        // The URL's own loginTimeout, socketTimeout... win over these (pgjdbc reads its parameters last).
        config.addDataSourceProperty("loginTimeout", String.valueOf(LOGIN_TIMEOUT_SECONDS));
        config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(15_000);
        return config;
    }

    /**
     * pgjdbc's refusal to log in without a password the server asks for: SQLSTATE 08004 (connection rejected), told
     * by its code since the words are translated.
     */
    private static boolean rejectedConnection(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "08004".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void saveRun(RunRecord run) {
        transaction("save run " + run.runId(), connection -> Jdbc.update(connection, ResultRows.SAVE_RUN,
                run.runId(), run.configPath(), run.configSha256(), run.modelVersion(), timestamp(run.startedAt()),
                timestamp(run.finishedAt()), run.status(), run.manifest(), timestamp(run.heartbeatAt())));
    }

    @Override
    public void heartbeat(String runId, Instant at) {
        transaction("save the heartbeat of run " + runId, connection -> Jdbc.update(connection, ResultRows.HEARTBEAT,
                timestamp(at), runId));
    }

    @Override
    public void saveScene(SceneResult scene) {
        transaction("save scene " + scene.sceneId(), connection -> Jdbc.update(connection, ResultRows.SAVE_SCENE,
                scene.runId(), scene.sceneId(), scene.status().name(), scene.error(), scene.tiles(), scene.output(),
                scene.outputSha256()));
    }

    @Override
    public void deleteTiles(String runId, String sceneId) {
        transaction("delete the tile rows of scene " + sceneId, connection -> Jdbc.update(connection,
                ResultRows.DELETE_TILES, runId, sceneId));
    }

    @Override
    public void saveTiles(List<TileResult> tiles) {
        // One lock order for every writer (by tile id), so that two batches sharing tiles wait, not deadlock.
        List<TileResult> ordered = tiles.stream().sorted(Comparator.comparing(TileResult::runId)
                .thenComparing(TileResult::tileId)).toList();
        transaction("save " + tiles.size() + " tile rows", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(SAVE_TILE)) {
                for (TileResult t : ordered) {
                    Window w = t.window();
                    Jdbc.bind(insert, t.runId(), t.tileId(), t.sceneId(), t.tileIndex(), w.x(), w.y(), w.width(),
                            w.height(), t.bounds()[0], t.bounds()[1], t.bounds()[2], t.bounds()[3],
                            t.status().name(), t.error(), t.cause(), t.attempts(), ClassFractionsJson.write(t.classFractions()),
                            t.latencyMs(), t.inputSha256(), t.modelVersion());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    @Override
    public Map<String, TileStatus> tileStatuses(String runId, String sceneId) {
        Map<String, TileStatus> statuses = new HashMap<>();
        query("read tile statuses", ResultRows.TILE_STATUSES,
                rs -> statuses.put(rs.getString(1), TileStatus.valueOf(rs.getString(2))), runId, sceneId);
        return statuses;
    }

    @Override
    public List<TileResult> tiles(String runId) {
        return tilesWhere("run_id = ? ORDER BY scene_id COLLATE \"C\", tile_index", runId);
    }

    @Override
    public List<TileResult> tiles(String runId, String sceneId) {
        return tilesWhere("run_id = ? AND scene_id = ? ORDER BY tile_index", runId, sceneId);
    }

    @Override
    public List<TileResult> failures(String runId) {
        return tilesWhere("run_id = ? AND status = 'FAILED' ORDER BY scene_id COLLATE \"C\", tile_index", runId);
    }

    @Override
    public Map<String, TileCounts> tileCounts(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return Map.of();
        }
        Map<String, TileCounts> counts = ResultRows.noTiles(runIds);
        // one parameter, the ids as an array, however many runs: one statement text, not one per page size
        query("count the tiles of " + runIds.size() + " runs", ResultRows.tileCounts("run_id = ANY(?::text[])"),
                rs -> ResultRows.countTiles(rs, counts), (Object) runIds.toArray(String[]::new));
        return counts;
    }

    private List<TileResult> tilesWhere(String condition, Object... parameters) {
        List<TileResult> tiles = new ArrayList<>();
        query("read tiles", "SELECT " + ResultRows.TILE_COLUMNS + " FROM tile_results WHERE " + condition,
                rs -> tiles.add(ResultRows.tile(rs)), parameters);
        return tiles;
    }

    @Override
    public List<SceneResult> scenes(String runId) {
        List<SceneResult> scenes = new ArrayList<>();
        query("read scenes", "SELECT " + ResultRows.SCENE_COLUMNS
                + " FROM scenes WHERE run_id = ? ORDER BY scene_id COLLATE \"C\"", rs -> scenes.add(ResultRows.scene(rs)),
                runId);
        return scenes;
    }

    @Override
    public RunPage runs(int limit, RunCursor before) {
        int rows = RunPage.rowsToRead(limit);
        // COLLATE "C": the index's order (V2__runs_by_start.sql), which the range and the sort must name to use it
        String newestFirst = " ORDER BY started_at DESC, run_id COLLATE \"C\" DESC LIMIT ?";
        List<RunRecord> runs = before == null ? runsWhere("TRUE" + newestFirst, rows)
                : runsWhere("(started_at, run_id COLLATE \"C\") < (?, ?)" + newestFirst,
                        timestamp(before.startedAt()), before.runId(), rows);
        return RunPage.of(runs, limit);
    }

    @Override
    public Optional<RunRecord> run(String runId) {
        return runsWhere("run_id = ?", runId).stream().findFirst();
    }

    private List<RunRecord> runsWhere(String condition, Object... parameters) {
        List<RunRecord> runs = new ArrayList<>();
        query("read runs", "SELECT " + ResultRows.RUN_COLUMNS + " FROM runs WHERE " + condition,
                rs -> runs.add(new RunRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant(), instant(rs.getTimestamp(6)), rs.getString(7),
                        rs.getString(8), instant(rs.getTimestamp(9)))), parameters);
        return runs;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    @Override
    public void close() {
        pool.close();
    }

    private interface Work {
        void run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in one transaction, again when another writer's transaction made it abort. */
    private void transaction(String what, Work work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = pool.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    work.run(connection);
                    connection.commit();
                    return;
                } catch (SQLException e) {
                    connection.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                if (!isConflict(e) || attempt == CONFLICT_ATTEMPTS) {
                    throw Jdbc.failure(displayUrl, what, e);
                }
            }
        }
    }

    /** SQLSTATE 40001 (serialization failure) and 40P01 (deadlock): the transaction may simply be run again. */
    private static boolean isConflict(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if ("40001".equals(s.getSQLState()) || "40P01".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private void query(String what, String sql, Jdbc.RowReader reader, Object... parameters) {
        try (Connection connection = pool.getConnection()) {
            Jdbc.query(connection, sql, reader, parameters);
        } catch (SQLException e) {
            throw Jdbc.failure(displayUrl, what, e);
        }
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
