package io.tileinfer.core.store;

import io.tileinfer.raster.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JdbcResultStoreTest {
    @TempDir
    Path dir;

    private static TileResult row(String id, int index, TileStatus status, int attempts) {
        return new TileResult("run", "scene", id, index, new Window(index * 10, 0, 10, 10),
                new double[]{0, 1, 2, 3}, status, status == TileStatus.FAILED ? "boom" : null,
                status == TileStatus.FAILED ? "read" : null, attempts,
                status == TileStatus.DONE ? Map.of("cloud", 0.25) : Map.of(), 1.5, "abc", "m-1");
    }

    @Test
    void upsertsNeverDuplicateARowAndSurviveReopening() {
        String url = "jdbc:sqlite:" + dir.resolve("results.db");
        try (JdbcResultStore store = JdbcResultStore.open(url)) {
            store.saveRun(new RunRecord("run", "c.yaml", "sha", "m-1", Instant.EPOCH, null, "running", null, null));
            store.saveTiles(List.of(row("a", 0, TileStatus.DONE, 1), row("b", 1, TileStatus.FAILED, 3)));
            store.saveTiles(List.of(row("b", 1, TileStatus.DONE, 1)));
        }
        try (JdbcResultStore store = JdbcResultStore.open(url)) {
            List<TileResult> tiles = store.tiles("run");
            assertEquals(2, tiles.size());
            assertEquals(TileStatus.DONE, tiles.get(1).status());
            assertEquals(Map.of("cloud", 0.25), tiles.get(0).classFractions());
            assertEquals(Map.of("a", TileStatus.DONE, "b", TileStatus.DONE), store.tileStatuses("run", "scene"));
            assertEquals("running", store.run("run").orElseThrow().status());
        }
    }

    @Test
    void theReadQueriesOfTheWebPage() {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("read.db"))) {
            ReadQueries.check(store);
        }
    }

    @Test
    void heartbeats() {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("beats.db"))) {
            ReadQueries.checkHeartbeat(store);
        }
    }

    @Test
    void aStoreWrittenBeforeRunsHadAHeartbeatGainsTheColumnOnce() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("before-heartbeat.db");
        try (Connection connection = DriverManager.getConnection(url);
             var statement = connection.createStatement()) {
            // the runs table as the version before this one created it, with its start times normalized (version 1)
            statement.execute("""
                    CREATE TABLE runs (
                      run_id TEXT PRIMARY KEY, config_path TEXT NOT NULL, config_sha256 TEXT NOT NULL,
                      model_version TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
                      manifest TEXT)""");
            statement.execute("INSERT INTO runs VALUES ('r', 'c', 's', 'm', '2026-03-04T05:06:07.000000000Z', NULL, "
                    + "'running', NULL)");
            statement.execute("PRAGMA user_version = 1");
        }
        try (ExecutorService processes = Executors.newFixedThreadPool(4)) { // opening it at once: one migrates
            List<Future<?>> opened = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                opened.add(processes.submit(() -> JdbcResultStore.open(url).close()));
            }
            for (Future<?> f : opened) {
                f.get();
            }
        }
        Instant now = Instant.parse("2026-03-06T05:16:07Z");
        try (JdbcResultStore store = JdbcResultStore.open(url)) {
            RunRecord old = store.run("r").orElseThrow();
            assertNull(old.heartbeatAt());
            assertEquals("interrupted", old.statusAt(now), "no heartbeat, started two days ago");
            store.heartbeat("r", now);
            assertEquals("running", store.run("r").orElseThrow().statusAt(now));
        }
        assertEquals(2, userVersion(url));
    }

    @Test
    void theRunsInPages() {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("pages.db"))) {
            ReadQueries.checkRunPages(store);
        }
    }

    @Test
    void startsWrittenByEarlierVersionsAreRewrittenSoThatTheirTextOrderIsTheirTimeOrder() throws SQLException {
        String url = "jdbc:sqlite:" + dir.resolve("earlier.db");
        JdbcResultStore.open(url).close();
        // Instant.toString, as the store wrote starts before: "…07Z" sorts after "…07.5Z" as text
        List<String> starts = List.of("2026-03-04T05:06:07Z", "2026-03-04T05:06:07.500Z",
                "2026-03-04T05:06:07.000001Z", "2026-03-04T05:06:06.999999999Z");
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO runs (run_id, config_path, "
                     + "config_sha256, model_version, started_at, status) VALUES (?, 'c', 's', 'm', ?, 'running')")) {
            for (int i = 0; i < starts.size(); i++) {
                insert.setString(1, "r" + i);
                insert.setString(2, starts.get(i));
                insert.executeUpdate();
            }
            try (var statement = connection.createStatement()) {
                statement.execute("PRAGMA user_version = 0"); // as earlier versions left their files
            }
        }
        try (JdbcResultStore store = JdbcResultStore.open(url)) {
            List<RunRecord> runs = store.runs(10, null).runs();
            assertEquals(List.of("r1", "r2", "r0", "r3"), runs.stream().map(RunRecord::runId).toList());
            assertEquals(Instant.parse("2026-03-04T05:06:07.000001Z"), runs.get(1).startedAt());
            assertEquals(List.of(new RunRecord("r3", "c", "s", "m", Instant.parse(starts.get(3)), null, "running",
                    null, null)), store.runs(1, RunCursor.after(runs.get(2))).runs());
        }
        assertEquals(2, userVersion(url), "rewritten once: later opens take no write lock for it");
    }

    private static int userVersion(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             var statement = connection.createStatement();
             var version = statement.executeQuery("PRAGMA user_version")) {
            return version.getInt(1);
        }
    }

    @Test
    void aLateFailureNeverUndoesAFinishedTile() {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("late.db"))) {
            store.saveTiles(List.of(row("a", 0, TileStatus.DONE, 1)));
            store.saveTiles(List.of(row("a", 0, TileStatus.FAILED, 3)));
            TileResult kept = store.tiles("run").getFirst();
            assertEquals(TileStatus.DONE, kept.status());
            assertEquals(1, kept.attempts());
        }
    }

    @Test
    void aFailingBatchCommitsNothing() {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("r.db"))) {
            TileResult broken = new TileResult("run", "scene", "c", 2, new Window(0, 0, 1, 1), new double[4],
                    TileStatus.DONE, null, null, 1, Map.of(), 1, "x", null); // model_version is NOT NULL
            assertThrows(StoreException.class, () -> store.saveTiles(List.of(row("a", 0, TileStatus.DONE, 1),
                    broken)));
            assertEquals(0, store.tiles("run").size());
        }
    }
}
