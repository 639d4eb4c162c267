package io.tileinfer.postgres;

import static io.tileinfer.postgres.Rows.tile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStores;
import io.tileinfer.core.store.RunRecord;
import io.tileinfer.core.store.SceneResult;
import io.tileinfer.core.store.SceneStatus;
import io.tileinfer.core.store.StoreException;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.raster.Window;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresResultStoreTest {
    private final PostgresServer server = PostgresServer.shared();
    private String url;

    @BeforeEach
    void freshDatabase() {
        url = server.url(server.createDatabase());
    }

    @Test
    void theStoreIsChosenByItsUrl() {
        try (ResultStore store = ResultStores.open(url)) {
            assertInstanceOf(PostgresResultStore.class, store);
        }
    }

    /** plan, runs and the web page read: a database without the result tables (a mistyped name) does not get them. */
    @Test
    void aReaderCreatesNoTablesInADatabaseThatHasNone() throws SQLException {
        assertTrue(ResultStores.openExisting(url).isEmpty(), "nothing was recorded there");
        try (Connection connection = DriverManager.getConnection(url);
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "and it stays without tables");
        }
        try (ResultStore writer = ResultStores.open(url)) { // a batch makes them
            writer.saveTiles(List.of(tile("run", 0, TileStatus.DONE, 1)));
        }
        try (ResultStore reader = ResultStores.openExisting(url).orElseThrow()) {
            assertEquals(1, reader.tiles("run").size());
        }
    }

    @Test
    void theReadQueriesOfTheWebPage() {
        try (ResultStore store = ResultStores.open(url)) {
            io.tileinfer.core.store.ReadQueries.check(store);
        }
    }

    @Test
    void heartbeats() {
        try (ResultStore store = ResultStores.open(url)) {
            io.tileinfer.core.store.ReadQueries.checkHeartbeat(store);
        }
    }

    @Test
    void theRunsInPages() {
        try (ResultStore store = ResultStores.open(url)) {
            io.tileinfer.core.store.ReadQueries.checkRunPages(store);
        }
    }

    @Test
    void upsertsNeverDuplicateARowAndSurviveReopening() {
        Instant started = Instant.parse("2026-01-02T03:04:05.123456Z");
        try (ResultStore store = ResultStores.open(url)) {
            store.saveRun(new RunRecord("run", "c.yaml", "sha", "m-1", started, null, "running", null, null));
            store.saveTiles(List.of(tile("run", 0, TileStatus.DONE, 1), tile("run", 1, TileStatus.FAILED, 3)));
            store.saveTiles(List.of(tile("run", 1, TileStatus.DONE, 1)));
            store.saveScene(new SceneResult("run", "scene", SceneStatus.PARTIAL, null, 2, null, null));
            store.saveScene(new SceneResult("run", "scene", SceneStatus.DONE, null, 2, "p.tif", "f00"));
            store.saveRun(new RunRecord("run", "c.yaml", "sha", "m-1", started, started.plusSeconds(5),
                    "succeeded", "manifest.json", null));
        }
        try (ResultStore store = ResultStores.open(url)) {
            List<TileResult> tiles = store.tiles("run");
            assertEquals(2, tiles.size());
            assertEquals(TileStatus.DONE, tiles.get(1).status());
            assertEquals(1, tiles.get(1).attempts());
            assertEquals(new Window(10, 0, 10, 10), tiles.get(1).window());
            assertEquals(Map.of("cloud", 0.25), tiles.get(0).classFractions());
            assertEquals(Map.of("scene/t0", TileStatus.DONE, "scene/t1", TileStatus.DONE),
                    store.tileStatuses("run", "scene"));
            assertEquals(List.of(new SceneResult("run", "scene", SceneStatus.DONE, null, 2, "p.tif", "f00")),
                    store.scenes("run"));
            RunRecord run = store.run("run").orElseThrow();
            assertEquals(started, run.startedAt());
            assertEquals("succeeded", run.status());
            assertEquals("manifest.json", run.manifest());
        }
    }

    @Test
    void classFractionsKeepTheModelsClassOrder() {
        Map<String, Double> fractions = new LinkedHashMap<>();
        fractions.put("water", 0.5);
        fractions.put("cloud", 0.25);
        fractions.put("clear", 0.25);
        TileResult row = tile("run", 0, TileStatus.DONE, 1);
        try (ResultStore store = ResultStores.open(url)) {
            store.saveTiles(List.of(new TileResult(row.runId(), row.sceneId(), row.tileId(), 0, row.window(),
                    row.bounds(), row.status(), null, null, 1, fractions, 1, "x", "m-1")));
            assertEquals(List.of("water", "cloud", "clear"),
                    new ArrayList<>(store.tiles("run").getFirst().classFractions().keySet()));
        }
    }

    @Test
    void aFailingBatchCommitsNothing() {
        try (ResultStore store = ResultStores.open(url)) {
            TileResult broken = new TileResult("run", "scene", "c", 2, new Window(0, 0, 1, 1), new double[4],
                    TileStatus.DONE, null, null, 1, Map.of(), 1, "x", null); // model_version is NOT NULL
            StoreException e = assertThrows(StoreException.class,
                    () -> store.saveTiles(List.of(tile("run", 0, TileStatus.DONE, 1), broken)));
            assertTrue(e.getMessage().contains("model_version"), e.getMessage());
            assertEquals(0, store.tiles("run").size());
        }
    }

    @Test
    void aWorkersFailureNeverOverwritesATileAnotherWorkerFinished() {
        try (ResultStore store = ResultStores.open(url)) {
            store.saveTiles(List.of(tile("run", 0, TileStatus.DONE, 1)));
            store.saveTiles(List.of(tile("run", 0, TileStatus.FAILED, 3), tile("run", 1, TileStatus.FAILED, 3)));
            assertEquals(Map.of("scene/t0", TileStatus.DONE, "scene/t1", TileStatus.FAILED),
                    store.tileStatuses("run", "scene"));
        }
    }

    @Test
    void processesOpeningAFreshDatabaseAtOnceMigrateItOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> opened = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int writer = i;
                opened.add(pool.submit(() -> {
                    try (ResultStore store = ResultStores.open(url)) {
                        store.saveTiles(List.of(tile("run", writer, TileStatus.DONE, 1)));
                    }
                }));
            }
            for (Future<?> f : opened) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        try (Connection connection = DriverManager.getConnection(url);
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            List<String> applied = new ArrayList<>();
            while (rs.next()) {
                applied.add(rs.getString(1));
            }
            assertEquals(List.of("1", "2", "3"), applied, "each migration, applied once");
        }
        try (ResultStore store = ResultStores.open(url)) {
            assertEquals(4, store.tiles("run").size());
        }
    }

    @Test
    void aWrongPasswordIsReportedWithoutThePassword() {
        String wrong = url.replace(PostgresServer.PASSWORD, "not-the-password");
        StoreException e = assertThrows(StoreException.class, () -> ResultStores.open(wrong));
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
        assertTrue(e.getMessage().startsWith("jdbc:postgresql://127.0.0.1:" + server.port()), e.getMessage());
    }

    @Test
    void aMissingPasswordIsReportedWithWhereToPutIt() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("PGPASSWORD") == null, "PGPASSWORD is set");
        String without = url.replace("&password=" + PostgresServer.PASSWORD, "");
        assertFalse(without.contains(PostgresServer.PASSWORD), without);
        StoreException e = assertThrows(StoreException.class, () -> ResultStores.open(without));
        assertTrue(e.getMessage().contains("no password was provided. Set PGPASSWORD, a line in ~/.pgpass, or "
                + "password=... in the URL."), e.getMessage());
    }

    @Test
    void anUnreachableServerIsReportedClearly() throws Exception {
        int closed;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String unreachable = "jdbc:postgresql://127.0.0.1:" + closed + "/results?user=u&password=secret";
        StoreException e = assertThrows(StoreException.class, () -> ResultStores.open(unreachable));
        assertTrue(e.getMessage().contains("cannot connect to PostgreSQL"), e.getMessage());
        assertTrue(e.getMessage().contains("Connection to 127.0.0.1:" + closed + " refused"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    /** pgjdbc's login and read timeouts are ours unless the URL gives its own, which pgjdbc reads last. */
    @Test
    void theTimeoutsAreDefaultsThatTheUrlOverrides() throws SQLException {
        Properties ours = PostgresResultStore.poolConfig(ConnectionSettings.of("jdbc:postgresql://db/r?user=u",
                Map.of())).getDataSourceProperties();
        assertEquals(String.valueOf(PostgresResultStore.LOGIN_TIMEOUT_SECONDS), ours.getProperty("loginTimeout"));
        assertEquals(String.valueOf(PostgresResultStore.SOCKET_TIMEOUT_SECONDS), ours.getProperty("socketTimeout"));
        assertEquals("true", ours.getProperty("tcpKeepAlive"));
        Properties effective = org.postgresql.Driver.parseURL("jdbc:postgresql://db/r?user=u&loginTimeout=1", ours);
        assertEquals("1", effective.getProperty("loginTimeout"));
        assertEquals(String.valueOf(PostgresResultStore.SOCKET_TIMEOUT_SECONDS),
                effective.getProperty("socketTimeout"));
    }

    @Test
    void aServerThatNeverAnswersIsGivenUpOn() throws Exception {
        try (var silent = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, and never a byte in answer
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            String base = "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/results?user=u&password=secret";
            // a bound only so that a driver waiting forever fails the test instead of hanging the build
            StoreException e = assertTimeoutPreemptively(Duration.ofMinutes(2),
                    () -> assertThrows(StoreException.class, () -> ResultStores.open(base)));
            assertTrue(e.getMessage().contains("cannot connect to PostgreSQL"), e.getMessage());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertFalse(e.getMessage().contains("secret"), e.getMessage());
            assertFalse(held.isEmpty(), "the driver reached the silent server");
            for (java.net.Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void timestampsKeepMicroseconds() throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try (ResultStore store = ResultStores.open(url)) {
            store.saveRun(new RunRecord("r", "c", "s", "m", now, null, "running", null, null));
            assertEquals(now, store.run("r").orElseThrow().startedAt());
        }
    }
}
