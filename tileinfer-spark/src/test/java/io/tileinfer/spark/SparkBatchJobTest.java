package io.tileinfer.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.run.Manifest;
import io.tileinfer.core.run.RunListener;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.core.run.Runs;
import io.tileinfer.core.store.SqliteRows;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job's entry point in Spark's local mode, against the local runner on the same configuration. */
class SparkBatchJobTest {
    @TempDir
    static Path shared;
    static Path registry;

    @BeforeAll
    static void registerModel() {
        registry = shared.resolve("models");
        TestModels.brightness(registry);
    }

    /**
     * A manifest's scenes and outputs, less the STAC Items' SHA-256: each run's items say when that run started
     * ({@link #itemLessCreated} compares the rest).
     */
    private static JsonNode lessItemHashes(Path manifest) throws IOException {
        JsonNode json = new ObjectMapper().readTree(manifest.toFile());
        ObjectNode outputs = new ObjectMapper().createObjectNode();
        outputs.set("scenes", json.path("scenes"));
        outputs.set("outputs", json.path("outputs"));
        for (JsonNode file : outputs.findParents("path")) {
            if (file.path("path").asText().matches("predictions/.*\\.json")) {
                ((ObjectNode) file).remove("sha256");
            }
        }
        return outputs;
    }

    private static JsonNode itemLessCreated(Path item) throws IOException {
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(item.toFile());
        ((ObjectNode) json.path("properties")).remove("created");
        return json;
    }

    @Test
    void theSparkRunWritesTheLocalRunsRasterRowsAndCounts(@TempDir Path dir) throws Exception {
        // two scenes: the driver writes the first one's COG while the second one's job runs
        String yaml = Fixtures.yaml(registry, "{size: 64, halo: 8, batch: 3}", "",
                Fixtures.SCENE + "\n" + Fixtures.SCENE.replace("id: l8,", "id: l8-again,"));
        RunSummary local = Runs.run(Runs.config(dir.resolve("local"), yaml), 2);
        Path sparkConfig = Runs.config(dir.resolve("spark"), yaml);

        // spark-submit hands its settings to the application as spark.* system properties
        Map<String, String> submitted = Map.of("spark.master", "local[2]", "spark.driver.host", "127.0.0.1",
                "spark.driver.bindAddress", "127.0.0.1", "spark.ui.enabled", "false");
        submitted.forEach(System::setProperty);
        int exit;
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = SparkBatchJob.run(new String[]{"--config", sparkConfig.toString()});
        } finally {
            System.setOut(stdout);
            submitted.keySet().forEach(System::clearProperty);
        }
        assertEquals(0, exit);

        Path runDir = dir.resolve("spark/runs").resolve(local.runId());
        Manifest spark = Manifest.read(runDir.resolve("manifest.json"));
        // the summary in the words of tileinfer batch: the run's status, a line per scene, the manifest last
        List<String> summary = new ArrayList<>();
        summary.add("run " + local.runId() + " " + spark.status() + ": " + spark.counts().done() + " tiles done, "
                + spark.counts().skipped() + " skipped as nodata, 0 failed; 0 of 2 scenes failed");
        for (Manifest.SceneEntry scene : spark.scenes()) {
            summary.add("  " + scene.id() + ": " + runDir.resolve(scene.output().path()) + " (quicklook: "
                    + Path.of(scene.quicklook().path()).getFileName() + ", STAC item: "
                    + Path.of(scene.stacItem().path()).getFileName() + ")");
        }
        summary.add("manifest: " + runDir.resolve("manifest.json"));
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains(String.join(System.lineSeparator(), summary) + System.lineSeparator()), out);
        Manifest reference = Manifest.read(local.manifest());
        assertEquals(local.runId(), spark.runId(), "the run id follows from the configuration and model only");
        assertEquals(Fixtures.predictionSha256(local), spark.outputs().getFirst().sha256());
        assertEquals(lessItemHashes(local.manifest()), lessItemHashes(runDir.resolve("manifest.json")));
        for (Manifest.SceneEntry scene : spark.scenes()) {
            assertEquals(itemLessCreated(local.runDir().resolve(scene.stacItem().path())),
                    itemLessCreated(runDir.resolve(scene.stacItem().path())));
        }
        assertEquals(Fixtures.comparableRows(dir.resolve("local/pipeline.yaml"), local.runId()),
                Fixtures.comparableRows(sparkConfig, local.runId()));
        assertEquals(reference.counts(), spark.counts());
        assertEquals(6, spark.outputs().size(), "each scene's COG, quicklook and STAC Item");
        for (String stage : new String[]{"read", "infer", "write"}) {
            assertEquals(reference.stageTimings().get(stage).get("count"), spark.stageTimings().get(stage).get("count"),
                    "the executors' " + stage + " timings reach the driver's manifest");
        }
        assertFalse(Files.exists(runDir.resolve("chunks/l8")), "chunks go once the raster holds them");
        assertFalse(Files.exists(runDir.resolve("chunks/l8-again")));
    }

    /** Blending through the same probability chunks as local workers: the same raster and rows as the local run. */
    @Test
    void aBlendingSparkRunWritesTheLocalRunsRasterAndRows(@TempDir Path dir) throws Exception {
        Path boxRegistry = dir.resolve("models");
        TestModels.boxFilter(boxRegistry, "production"); // context beyond the tile: blending changes pixels
        String yaml = Fixtures.yaml(boxRegistry, "{size: 64, halo: 0, stitch: blend, overlap: 32, batch: 3}", "");
        RunSummary local = Runs.run(Runs.config(dir.resolve("local"), yaml), 2);
        Path sparkConfig = Runs.config(dir.resolve("spark"), yaml);
        RunSummary spark;
        try (var context = Fixtures.spark("local[2]", Map.of())) {
            spark = Fixtures.runOn(sparkConfig, SparkBatches.on(context), new io.tileinfer.core.run.LogProgress(
                    java.time.Duration.ofSeconds(30)));
        }
        assertEquals(local.runId(), spark.runId());
        assertEquals(Fixtures.predictionSha256(local), Fixtures.predictionSha256(spark));
        assertEquals(Fixtures.comparableRows(dir.resolve("local/pipeline.yaml"), local.runId()),
                Fixtures.comparableRows(sparkConfig, local.runId()));
        assertEquals("blend", Manifest.read(spark.manifest()).tiling().stitch());
        assertFalse(Files.exists(spark.runDir().resolve("chunks")), "chunks go once the raster holds them");
    }

    /**
     * A stop that lands after the driver's last check and before the scene's job starts: the stop cancels the job
     * group with its future jobs, so that job is cancelled as it starts, and no tile is computed.
     */
    @Test
    void theJobGroupThatAStopCancelsHoldsTheScenesJobsToCome(@TempDir Path dir) throws Exception {
        Path config = Runs.config(dir, Fixtures.yaml(registry, "{size: 256, halo: 0}", ""));
        try (var context = Fixtures.spark("local[2]", Map.of())) {
            RunListener stopping = new RunListener() {
                @Override
                public void sceneStarted(String sceneId, int tiles, int finished) {
                    // what the SIGTERM handler of SparkBatchJob does, before any job of the scene exists
                    context.sc().cancelJobGroupAndFutureJobs(SparkBatches.JOB_GROUP, "a test's stop");
                }

                @Override
                public void tilesFinished(int count) {
                }

                @Override
                public void sceneFinished(String sceneId) {
                }
            };
            Exception cancelled = assertThrows(Exception.class,
                    () -> Fixtures.runOn(config, SparkBatches.on(context), stopping));
            assertTrue(cancelled.getMessage().contains("cancelled job group " + SparkBatches.JOB_GROUP),
                    cancelled.getMessage());
        }
        assertEquals(0, SqliteRows.tiles(dir.resolve("runs/results.db")), "no tile was computed");
    }

    /**
     * A scene's file that goes away once validated: the executors cannot open it, so its tiles fail with cause
     * {@code read} and the reason, and the job and the next scene go on (as in the local runner).
     */
    @Test
    void aSceneWhoseFileIsGoneOnceValidatedFailsItsTilesOnTheExecutors(@TempDir Path dir) throws Exception {
        Path copy = Files.copy(Path.of(SharedData.variant("l8_rgbn_cog.tif")),
                dir.resolve("going.tif"));
        String scenes = "  - {id: going, file: %s}\n".formatted(copy) + Fixtures.SCENE;
        Path config = Runs.config(dir, Fixtures.yaml(registry, "{size: 256, halo: 0}", "", scenes));
        RunListener deleting = new RunListener() {
            @Override
            public void sceneStarted(String sceneId, int tiles, int finished) {
                if (sceneId.equals("going")) {
                    copy.toFile().delete(); // validated and planned on the driver; no executor has opened it
                }
            }

            @Override
            public void tilesFinished(int count) {
            }

            @Override
            public void sceneFinished(String sceneId) {
            }
        };
        RunSummary summary;
        try (var context = Fixtures.spark("local[2]", Map.of())) {
            summary = Fixtures.runOn(config, SparkBatches.on(context), deleting);
        }
        assertFalse(summary.complete());
        Manifest manifest = Manifest.read(summary.manifest());
        Manifest.SceneEntry going = manifest.scenes().get(0);
        assertEquals("FAILED", going.status());
        assertEquals(going.tiles().tiles(), going.tiles().failed(), "every tile of the scene fails");
        assertEquals("DONE", manifest.scenes().get(1).status(), "the next scene is done");
        assertEquals(going.tiles().failed(), manifest.failuresByCause().get("read"));
        List<String> rows = Fixtures.comparableRows(config, summary.runId());
        assertTrue(rows.stream().filter(row -> row.startsWith("going|")).allMatch(row -> row.contains("|FAILED|")
                && row.contains("going.tif") && row.contains("|read|")), String.join("\n", rows));
    }

    @Test
    void aBadCommandLineOrConfigurationExitsWith2(@TempDir Path dir) throws Exception {
        assertEquals(2, SparkBatchJob.run(new String[]{"--model", "production"}));
        assertEquals(2, SparkBatchJob.run(new String[]{"--config"}));
        assertEquals(2, SparkBatchJob.run(new String[]{"--config", dir.resolve("missing.yaml").toString()}));
        Path typo = Runs.config(dir, "modle: production\n");
        assertEquals(2, SparkBatchJob.run(new String[]{"--config", typo.toString()}));

        // a bad setting of the job's own, before any scene is read or any row written
        Path good = Runs.config(dir.resolve("good"), Fixtures.yaml(registry, "{size: 256, halo: 0}", ""));
        Map<String, String> submitted = Map.of("spark.master", "local[2]", "spark.driver.host", "127.0.0.1",
                "spark.driver.bindAddress", "127.0.0.1", "spark.ui.enabled", "false",
                SparkBatches.BATCHES_PER_PARTITION, "0");
        submitted.forEach(System::setProperty);
        try {
            assertEquals(2, SparkBatchJob.run(new String[]{"--config", good.toString()}));
        } finally {
            submitted.keySet().forEach(System::clearProperty);
        }
        assertFalse(Files.exists(dir.resolve("good/runs/results.db")), "nothing recorded");
    }

    /** As plan and a local batch refuse them: batches beyond the heap that local executors share, nothing recorded. */
    @Test
    void batchesBeyondTheDriversHeapAreRefusedBeforeAnythingIsRecorded(@TempDir Path dir) throws Exception {
        Path config = Runs.config(dir, Fixtures.yaml(registry, "{size: 2048, halo: 0, batch: 64}", ""));
        Map<String, String> submitted = Map.of("spark.master", "local[2]", "spark.driver.host", "127.0.0.1",
                "spark.driver.bindAddress", "127.0.0.1", "spark.ui.enabled", "false");
        submitted.forEach(System::setProperty);
        PrintStream stderr = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
            exit = SparkBatchJob.run(new String[]{"--config", config.toString()});
        } finally {
            System.setErr(stderr);
            submitted.keySet().forEach(System::clearProperty);
        }
        String line = said.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("tileinfer: "))
                .findFirst().orElse(said.toString(StandardCharsets.UTF_8));
        assertEquals(2, exit, line);
        assertTrue(line.startsWith("tileinfer: " + config + ": 2 task slots of local[2] x batch 64 tiles of 2048 px "
                + "with 4 bands need about 20544 MB of heap"), line);
        assertTrue(line.matches(".* MB in the driver, where local executors run \\(its heap less Spark's 300 MB\\): "
                + "set spark.driver.memory \\(spark-submit --driver-memory\\) to [0-9]+m, or use fewer task slots or "
                + "smaller batches"), line);
        assertFalse(Files.exists(dir.resolve("runs/results.db")), "nothing recorded");
    }

    @Test
    void anExecutorsHeapIsItsMemoryLessSparksReserveForItsSlots() {
        ExecutorHeap defaults = ExecutorHeap.of(new SparkConf().setMaster("yarn"), 8, 4L << 30);
        assertEquals((1024 - 300) << 20, defaults.usableBytes(), "spark.executor.memory's default, 1g");
        assertEquals(1, defaults.slots(), "spark.executor.cores unset: 1, a lower bound");
        ExecutorHeap set = ExecutorHeap.of(new SparkConf().setMaster("spark://h:7077")
                .set("spark.executor.memory", "6g").set("spark.executor.cores", "4").set("spark.task.cpus", "2"), 8,
                4L << 30);
        assertEquals((6L * 1024 - 300) << 20, set.usableBytes());
        assertEquals(2, set.slots());
        assertEquals("set spark.executor.memory to 1300m, or use fewer spark.executor.cores",
                set.remedy().apply(1000));
        assertEquals((4096L - 300) << 20, ExecutorHeap.of(new SparkConf().setMaster("yarn")
                .set("spark.executor.memory", "4096"), 8, 4L << 30).usableBytes(), "a number alone is MiB, as Spark has it");
        ExecutorHeap local = ExecutorHeap.of(new SparkConf().setMaster("local[3]"), 3, 2L << 30);
        assertEquals((2L * 1024 - 300) << 20, local.usableBytes(), "the driver's own heap");
        assertEquals(3, local.slots());
    }

    @Test
    void batchesPerPartitionMustBeAPositiveWholeNumber() {
        assertEquals(0, SparkBatches.batchesPerPartition(new SparkConf()));
        assertEquals(150, SparkBatches.batchesPerPartition(new SparkConf()
                .set(SparkBatches.BATCHES_PER_PARTITION, " 150 ")));
        for (String wrong : List.of("0", "-3", "1.5", "many", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkBatches
                    .batchesPerPartition(new SparkConf().set(SparkBatches.BATCHES_PER_PARTITION, wrong)));
            assertEquals("spark.tileinfer.batchesPerPartition: found \"" + wrong.strip() + "\", expected a whole "
                    + "number of batches per Spark task, 1 or more (or leave it unset: about four tasks per task "
                    + "slot)", e.getMessage());
        }
    }

    @Test
    void slicesAreConsecutiveAndEvenAsSparksOwn() {
        List<Integer> batches = IntStream.range(0, 10).boxed().toList();
        assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6, 7, 8, 9)), SparkBatches.slices(batches, 3));
        assertEquals(List.of(List.of(0), List.of(1)), SparkBatches.slices(List.of(0, 1), 2));
    }

    @Test
    void taskAttemptsAreCountedAsSparksSchedulerCountsThem() {
        assertEquals(1, SparkBatches.maxTaskFailures(new SparkConf().setMaster("local[2]")));
        assertEquals(1, SparkBatches.maxTaskFailures(new SparkConf().setMaster("local")));
        assertEquals(3, SparkBatches.maxTaskFailures(new SparkConf().setMaster("local[*, 3]")));
        assertEquals(4, SparkBatches.maxTaskFailures(new SparkConf().setMaster("spark://127.0.0.1:7077")));
        assertEquals(4, SparkBatches.maxTaskFailures(new SparkConf().setMaster("local-cluster[2,1,1024]")));
        assertEquals(8, SparkBatches.maxTaskFailures(new SparkConf().setMaster("yarn")
                .set("spark.task.maxFailures", "8")));
        assertTrue(new TaskSettings("r", "m", "v", "s", null, 64, 1, true, false, 3).isLastOfSeveralAttempts(2));
        assertFalse(new TaskSettings("r", "m", "v", "s", null, 64, 1, true, false, 1).isLastOfSeveralAttempts(0));
    }
}
