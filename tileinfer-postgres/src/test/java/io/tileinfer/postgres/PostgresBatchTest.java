package io.tileinfer.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tileinfer.core.Hashing;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.core.run.Runs;
import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.RunRecord;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.S3TestServer;
import io.tileinfer.raster.Window;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch end to end with its rows in PostgreSQL: the same configuration gives the same rows and the same raster as
 * with the embedded store, also with its scene in S3 and its outputs uploaded there, and also when killed mid-run.
 * The PostgreSQL workers run in their own JVMs with the store named by the environment (TILEINFER_STORE_URL, and the
 * password in PGPASSWORD), as a deployment runs them.
 */
class PostgresBatchTest {
    private static final String COG = "l8_rgbn_cog.tif";
    /** Small tiles, one per transaction, so that a worker can be killed between many commits. */
    private static final String TILING = "{size: 48, halo: 4, batch: 1}";
    private static final int TILES = 16 * 16; // 40 px cores over 627 x 603

    @TempDir
    static Path shared;
    static Path registry;
    static PostgresServer server;
    static S3TestServer s3;
    /** The configuration with the embedded store, in-process: what every PostgreSQL run must reproduce. */
    static RunSummary embedded;
    static List<String> embeddedRows;

    @BeforeAll
    static void start() throws Exception {
        registry = shared.resolve("models");
        TestModels.brightness(registry);
        server = PostgresServer.shared();
        s3 = S3TestServer.start(Files.createDirectories(shared.resolve("s3")));
        s3.put("imagery", "landsat/" + COG, Path.of(SharedData.variant(COG)));
        s3.createBucket("results");
        Path dir = Files.createDirectories(shared.resolve("sqlite"));
        embedded = Runs.run(Runs.config(dir, config("", SharedData.variant(COG))), 2);
        embeddedRows = comparable(sqliteRows(dir, embedded.runId()));
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    private static String config(String extra, String scene) {
        return """
                model: production
                registry: %s
                output: runs
                tiling: %s
                %s
                scenes:
                  - {id: l8, file: %s}
                """.formatted(registry, TILING, extra, scene);
    }

    @Test
    void theSameConfigurationWithPostgresGivesTheSameRowsAndAByteIdenticalRaster(@TempDir Path dir) throws Exception {
        String database = server.createDatabase();
        Path pgConfig = Runs.config(dir.resolve("pg"), config("", SharedData.variant(COG)));
        runToTheEnd(BatchProcess.start(pgConfig, dir.resolve("pg.log"), BatchProcess.postgres(server, database)),
                dir.resolve("pg.log"));

        Path pgRaster = dir.resolve("pg/runs").resolve(embedded.runId()).resolve("predictions/l8.tif");
        assertEquals(Hashing.sha256(embedded.runDir().resolve("predictions/l8.tif")), Hashing.sha256(pgRaster));
        assertEquals(embeddedRows, comparable(postgresRows(database, embedded.runId())));
        assertTrue(Files.notExists(dir.resolve("pg/runs/results.db")), "no embedded store was used");
    }

    @Test
    void switchedToPostgresAndToS3TheOutputsAreTheSame(@TempDir Path dir) throws Exception {
        String database = server.createDatabase();
        Path remote = Runs.config(dir.resolve("remote"), config(
                "object_store: {endpoint: \"" + s3.endpoint() + "\", region: us-east-1}",
                "s3://imagery/landsat/" + COG).replace("output: runs", "output: s3://results/tileinfer"));
        Map<String, String> environment = new HashMap<>(BatchProcess.postgres(server, database));
        // the standard AWS credential variables, which GDAL reads itself
        environment.put("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
        environment.put("AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
        environment.put("CPL_AWS_AUTODETECT_EC2", "NO");
        runToTheEnd(BatchProcess.start(remote, dir.resolve("remote.log"), environment), dir.resolve("remote.log"));

        String runId = onlyRun(database);
        Path uploaded = s3.objectFile("results", "tileinfer/" + runId + "/predictions/l8.tif");
        assertEquals(Hashing.sha256(dir.resolve("remote/staging").resolve(runId).resolve("predictions/l8.tif")),
                Hashing.sha256(uploaded));
        assertTrue(Files.exists(s3.objectFile("results", "tileinfer/" + runId + "/manifest.json")));
        assertArrayEquals(pixels(embedded.runDir().resolve("predictions/l8.tif")), pixels(uploaded));
        assertEquals(embeddedRows.stream().map(r -> r.replace(embedded.runId(), runId)).toList(),
                comparable(postgresRows(database, runId)));
    }

    @Test
    void aWorkerKilledMidRunResumesFromThePostgresRows(@TempDir Path dir) throws Exception {
        String database = server.createDatabase();
        Path config = Runs.config(dir.resolve("pg"), config("", SharedData.variant(COG)));
        Map<String, String> environment = BatchProcess.postgres(server, database);

        Process worker = BatchProcess.start(config, dir.resolve("killed.log"), environment);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        int rows = 0;
        while (worker.isAlive() && rows < TILES / 4 && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
            rows = rowCount(database);
        }
        assertTrue(worker.isAlive(), "the run ended before it was killed: "
                + Files.readString(dir.resolve("killed.log")));
        worker.destroyForcibly(); // SIGKILL
        worker.waitFor();
        int atKill = rowCount(database);
        assertTrue(atKill > 0 && atKill < TILES, "killed mid-run: " + atKill + " rows");

        runToTheEnd(BatchProcess.start(config, dir.resolve("resumed.log"), environment), dir.resolve("resumed.log"));
        assertEquals(TILES, rowCount(database), "no row lost or duplicated");
        assertEquals(Hashing.sha256(embedded.runDir().resolve("predictions/l8.tif")),
                Hashing.sha256(dir.resolve("pg/runs").resolve(embedded.runId()).resolve("predictions/l8.tif")));
        assertEquals(embeddedRows, comparable(postgresRows(database, embedded.runId())));
    }

    private static void runToTheEnd(Process process, Path log) throws Exception {
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "the batch hung: " + Files.readString(log));
        assertEquals(0, process.exitValue(), Files.readString(log));
    }

    private static List<TileResult> sqliteRows(Path dir, String runId) {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"))) {
            return store.tiles(runId);
        }
    }

    private static List<TileResult> postgresRows(String database, String runId) {
        try (ResultStore store = PostgresResultStore.open(server.url(database))) {
            return store.tiles(runId);
        }
    }

    private static String onlyRun(String database) {
        try (ResultStore store = PostgresResultStore.open(server.url(database))) {
            List<RunRecord> runs = store.runs(2, null).runs();
            assertEquals(1, runs.size());
            assertEquals("succeeded", runs.getFirst().status());
            return runs.getFirst().runId();
        }
    }

    private static int rowCount(String database) {
        try (Connection connection = DriverManager.getConnection(server.url(database));
             ResultSet rs = connection.createStatement().executeQuery("SELECT count(*) FROM tile_results")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException notYetCreated) {
            return 0;
        }
    }

    /** Rows without what varies from run to run: the latency (and the time recorded, which TileResult omits). */
    private static List<String> comparable(List<TileResult> rows) {
        return rows.stream().map(r -> String.join("|", r.runId(), r.sceneId(), r.tileId(),
                String.valueOf(r.tileIndex()), r.window().toString(), Arrays.toString(r.bounds()), r.status().name(),
                String.valueOf(r.error()), String.valueOf(r.cause()), String.valueOf(r.attempts()),
                r.classFractions().toString(), String.valueOf(r.inputSha256()), r.modelVersion())).toList();
    }

    private static float[] pixels(Path raster) {
        Window all = new Window(0, 0, 627, 603);
        float[] values = new float[3 * 627 * 603];
        try (RasterReader reader = RasterReader.open(raster.toString())) {
            reader.read(all, new int[]{1, 2, 3}, values);
        }
        return values;
    }
}
