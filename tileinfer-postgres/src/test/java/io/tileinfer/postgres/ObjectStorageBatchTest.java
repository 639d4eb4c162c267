package io.tileinfer.postgres;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.Hashing;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.run.BatchRunner;
import io.tileinfer.core.run.Manifest;
import io.tileinfer.core.run.RunListener;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.core.run.Runs;
import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.raster.ObjectStoreOptions;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.S3TestServer;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch over scenes and STAC Items in a real S3-protocol server (S3Proxy on loopback), with its outputs uploaded
 * there; the rows stay in the embedded store here, PostgresBatchTest switches both.
 */
class ObjectStorageBatchTest {
    private static final String TILING = "{size: 64, halo: 8, batch: 4}";
    private static final List<String> BANDS = List.of("B2", "B3", "B4", "B5");

    @TempDir
    static Path shared;
    static S3TestServer s3;
    static Path registry;

    @BeforeAll
    static void start() throws Exception {
        registry = shared.resolve("models");
        TestModels.brightness(registry);
        s3 = S3TestServer.start(Files.createDirectories(shared.resolve("s3")));
        s3.createBucket("results");
        s3.put("imagery", "l8/l8_rgbn_cog.tif", Path.of(SharedData.variant("l8_rgbn_cog.tif")));
        for (String band : BANDS) {
            s3.put("imagery", "stac/LC80200392015216/" + band + ".tif", Path.of(SharedData.landsat(band)));
        }
        Path item = shared.resolve("item.json");
        Files.writeString(item, stacItem());
        s3.put("imagery", "stac/LC80200392015216/item.json", item);
        s3.use(); // the credentials; each configuration names the endpoint itself
    }

    @AfterAll
    static void stop() throws Exception {
        ObjectStoreOptions.NONE.apply();
        s3.close();
    }

    private static String config(String output, String scenes) {
        return """
                model: production
                registry: %s
                output: %s
                object_store: {endpoint: "%s", region: us-east-1, timeout_seconds: 10, retries: 1}
                tiling: %s
                scenes:
                %s
                """.formatted(registry, output, s3.endpoint(), TILING, scenes);
    }

    @Test
    void anS3SceneWithAnS3OutputGivesTheLocalResultAndResumes(@TempDir Path dir) throws Exception {
        RunSummary local = Runs.run(Runs.config(dir.resolve("local"),
                config("runs", "  - {id: l8, file: %s}".formatted(SharedData.variant("l8_rgbn_cog.tif")))), 2);
        Path remoteConfig = Runs.config(dir.resolve("remote"),
                config("s3://results/batch", "  - {id: l8, file: s3://imagery/l8/l8_rgbn_cog.tif}"));
        RunSummary remote = Runs.run(remoteConfig, 2);

        assertEquals(dir.resolve("remote/staging").resolve(remote.runId()), remote.runDir(), "worked in staging");
        assertEquals("s3://results/batch/" + remote.runId(), remote.uploadedTo(), "said where the outputs went");
        assertNull(local.uploadedTo());
        Path staged = remote.runDir().resolve("predictions/l8.tif");
        assertSamePixels(local.runDir().resolve("predictions/l8.tif"), staged);
        assertEquals(withoutRunId(rows(dir.resolve("local/runs/results.db"), local.runId())),
                withoutRunId(rows(dir.resolve("remote/staging/results.db"), remote.runId())));
        String prefix = "batch/" + remote.runId() + "/";
        assertEquals(Hashing.sha256(staged), Hashing.sha256(s3.objectFile("results", prefix + "predictions/l8.tif")));
        Manifest.FileEntry quicklook = Manifest.read(remote.manifest()).scenes().getFirst().quicklook();
        assertEquals(quicklook.sha256(), Hashing.sha256(s3.objectFile("results", prefix + quicklook.path())),
                "the quicklook the manifest lists is uploaded beside the raster");
        Manifest.FileEntry item = Manifest.read(remote.manifest()).scenes().getFirst().stacItem();
        assertEquals(item.sha256(), Hashing.sha256(s3.objectFile("results", prefix + item.path())),
                "so is the STAC Item, whose relative hrefs name the files beside it");
        assertEquals(Files.readString(remote.manifest()),
                Files.readString(s3.objectFile("results", prefix + "manifest.json")));
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("remote/staging/results.db"))) {
            assertEquals("s3://results/" + prefix + "manifest.json", store.runs(1, null).runs().getFirst().manifest());
        }
        assertEquals(null, Manifest.read(remote.manifest()).scenes().getFirst().inputs().getFirst().sha256(),
                "a remote input is not downloaded whole to hash it");

        Files.delete(s3.objectFile("results", prefix + "manifest.json"));
        Files.writeString(remote.runDir().resolve("predictions/gone.tif"), "a raster the manifest does not list");
        CountingListener resumed = new CountingListener();
        new BatchRunner(ConfigLoader.load(remoteConfig), new SimpleMeterRegistry(), resumed).run();
        assertEquals(0, resumed.processed.get(), "started again, the run computes nothing");
        assertTrue(Files.exists(s3.objectFile("results", prefix + "manifest.json")), "and uploads again");
        assertFalse(Files.exists(s3.objectFile("results", prefix + "predictions/gone.tif")),
                "only what the manifest lists is uploaded");
    }

    @Test
    void anUploadThatFailsMarksTheRunFailedAndTheSameCommandUploadsLater(@TempDir Path dir) throws Exception {
        Path config = Runs.config(dir, config("s3://later/batch",
                "  - {id: l8, file: %s}".formatted(SharedData.variant("l8_rgbn_cog.tif"))));
        Exception failure = assertThrows(Exception.class, () -> Runs.run(config, 2));
        assertTrue(failure.getMessage().contains("later"), failure.getMessage());
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("staging/results.db"))) {
            assertEquals("failed", store.runs(1, null).runs().getFirst().status(), "not left running");
        }

        s3.createBucket("later");
        CountingListener resumed = new CountingListener();
        RunSummary summary = new BatchRunner(ConfigLoader.load(config), new SimpleMeterRegistry(), resumed).run();
        assertEquals(0, resumed.processed.get(), "the tiles were done: only the upload was left");
        assertTrue(Files.exists(s3.objectFile("later", "batch/" + summary.runId() + "/manifest.json")));
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("staging/results.db"))) {
            assertEquals("succeeded", store.runs(1, null).runs().getFirst().status());
        }
    }

    @Test
    void aStacItemInS3GivesTheSameResultAsItsBandsOnDisk(@TempDir Path dir) throws Exception {
        StringBuilder bands = new StringBuilder("  - id: l8\n    acquired: \"2015-08-04T16:19:21.79Z\"\n    bands:\n");
        BANDS.forEach(b -> bands.append("      ").append(b).append(": ").append(SharedData.landsat(b)).append('\n'));
        RunSummary local = Runs.run(Runs.config(dir.resolve("local"), config("runs", bands.toString())), 2);
        RunSummary stac = Runs.run(Runs.config(dir.resolve("stac"), config("runs",
                "  - {id: l8, stac: s3://imagery/stac/LC80200392015216/item.json}")), 2);
        assertSamePixels(local.runDir().resolve("predictions/l8.tif"), stac.runDir().resolve("predictions/l8.tif"));
        assertEquals(withoutRunId(rows(dir.resolve("local/runs/results.db"), local.runId())),
                withoutRunId(rows(dir.resolve("stac/runs/results.db"), stac.runId())));
        Manifest.FileEntry item = Manifest.read(stac.manifest()).scenes().getFirst().inputs().getLast();
        assertEquals("s3://imagery/stac/LC80200392015216/item.json", item.path());
        assertEquals(Hashing.sha256(shared.resolve("item.json")), item.sha256(),
                "the item chose the files: a small document, hashed though remote");
    }

    @Test
    void anUnreachableSceneFailsValidationWithTheReason(@TempDir Path dir) throws Exception {
        RunSummary summary = Runs.run(Runs.config(dir, config("runs",
                "  - {id: gone, file: s3://imagery/l8/no-such-scene.tif}")), 2);
        Manifest.SceneEntry scene = Manifest.read(summary.manifest()).scenes().getFirst();
        assertEquals("FAILED", scene.status());
        assertEquals("readable", scene.issues().getFirst().check());
        assertTrue(scene.issues().getFirst().message().contains("no such object"),
                scene.issues().getFirst().message());
    }

    private static void assertSamePixels(Path expected, Path actual) {
        Window all = new Window(0, 0, 627, 603);
        float[] a = new float[3 * 627 * 603];
        float[] b = new float[3 * 627 * 603];
        try (RasterReader ra = RasterReader.open(expected.toString());
             RasterReader rb = RasterReader.open(actual.toString())) {
            ra.read(all, new int[]{1, 2, 3}, a);
            rb.read(all, new int[]{1, 2, 3}, b);
        }
        assertArrayEquals(a, b);
    }

    private static List<TileResult> rows(Path db, String runId) {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + db)) {
            return store.tiles(runId);
        }
    }

    /** Rows without what names the run or varies from run to run (latency). */
    static List<String> withoutRunId(List<TileResult> rows) {
        return rows.stream().map(r -> String.join("|", r.sceneId(), r.tileId(), String.valueOf(r.tileIndex()),
                r.window().toString(), Arrays.toString(r.bounds()), r.status().name(), String.valueOf(r.error()),
                String.valueOf(r.attempts()), r.classFractions().toString(), String.valueOf(r.inputSha256()),
                r.modelVersion())).toList();
    }

    private static String stacItem() {
        StringBuilder assets = new StringBuilder();
        for (String band : BANDS) {
            assets.append(assets.isEmpty() ? "" : ",\n").append("""
                    "%s": {"href": "%s.tif", "type": "image/tiff; application=geotiff", "eo:bands": [{"name": "%s"}]}"""
                    .formatted(band, band, band));
        }
        return """
                {"type": "Feature", "stac_version": "1.0.0", "id": "LC80200392015216",
                 "properties": {"datetime": "2015-08-04T16:19:21.79Z"},
                 "assets": {%s}}
                """.formatted(assets);
    }

    private static final class CountingListener implements RunListener {
        final AtomicInteger processed = new AtomicInteger();

        @Override
        public void sceneStarted(String sceneId, int tiles, int finished) {
        }

        @Override
        public void tilesFinished(int count) {
            processed.addAndGet(count);
        }

        @Override
        public void sceneFinished(String sceneId) {
        }
    }
}
