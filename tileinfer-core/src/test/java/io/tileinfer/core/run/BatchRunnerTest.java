package io.tileinfer.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.Hashing;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.output.StacSchemas;
import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.raster.RasterInfo;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchRunnerTest {
    @TempDir
    static Path shared;
    static Path registry;
    static ModelVersion model;

    @BeforeAll
    static void registerModel() {
        registry = shared.resolve("models");
        model = TestModels.brightness(registry);
    }

    static String yaml(String tiling, String scenes) {
        return """
                model: production
                registry: %s
                output: runs
                tiling: %s
                retries: 1
                scenes:
                %s
                """.formatted(registry, tiling, scenes);
    }

    static String cog() {
        return "  - {id: l8, file: %s}".formatted(SharedData.variant("l8_rgbn_cog.tif"));
    }

    @Test
    void batchesLargerThanTheHeapAreRefusedBeforeAnythingIsRecorded(@TempDir Path dir) throws Exception {
        // 64 tiles of 2048 px x (4 bands + 2 x 2 classes + 2) floats per worker: about 10 GB, beyond any test heap
        Path config = Runs.config(dir, yaml("{size: 2048, halo: 0, batch: 64}", cog()));
        ConfigException refused = assertThrows(ConfigException.class, () -> Runs.run(config, 1));
        assertTrue(refused.getMessage().startsWith(config + ": workers 1 x batch 64 tiles of 2048 px"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("TILEINFER_JAVA_OPTS=-Xmx"), refused.getMessage());
        assertFalse(Files.exists(dir.resolve("runs")), "no run directory, store or row: a configuration error");
    }

    @Test
    void aFinishedRunIsKeptWhateverItsBatchesWouldNeedOnlyARunWithWorkLeftIsRefused(@TempDir Path dir)
            throws Exception {
        // one worker of 2048 px tiles needs about 230 MB of heap; 64 of them (workers are not in the run id) 10 GB
        Path config = Runs.config(dir, yaml("{size: 2048, halo: 0, batch: 1}", cog()));
        RunSummary first = Runs.run(config, 1);
        assertTrue(first.complete());
        Path raster = first.runDir().resolve("predictions/l8.tif");
        String bytes = Hashing.sha256(raster);
        assertEquals(first.runId(), Runs.run(config, 64).runId(), "kept as it was: nothing to run, nothing refused");
        assertEquals(bytes, Hashing.sha256(raster));
        Files.delete(raster); // now the scene is done again, which 64 such workers cannot
        assertThrows(ConfigException.class, () -> Runs.run(config, 64));
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"))) {
            assertEquals("succeeded", store.run(first.runId()).orElseThrow().status(), "refused before its row");
        }
    }

    @Test
    void writesAGeoreferencedPredictionRowsAndAManifest(@TempDir Path dir) throws Exception {
        RunSummary summary = Runs.run(Runs.config(dir, yaml("{size: 64, halo: 8, batch: 4}", cog())), 2);
        assertTrue(summary.complete());
        Path prediction = summary.runDir().resolve("predictions/l8.tif");

        JsonNode info = new ObjectMapper().readTree(new ProcessBuilder("gdalinfo", "-json", prediction.toString())
                .redirectErrorStream(true).start().getInputStream());
        assertEquals(List.of(627, 603), List.of(info.at("/size/0").asInt(), info.at("/size/1").asInt()));
        assertEquals("COG", info.at("/metadata/IMAGE_STRUCTURE/LAYOUT").asText());
        try (RasterReader input = RasterReader.open(SharedData.variant("l8_rgbn_cog.tif"));
             RasterReader output = RasterReader.open(prediction.toString())) {
            RasterInfo in = input.info();
            RasterInfo out = output.info();
            assertEquals(in.transform(), out.transform());
            assertTrue(out.crs().sameAs(in.crs()));
            assertEquals(3, out.bandCount());
            assertEquals(255.0, out.bands().getFirst().nodata());
            assertEquals(model.id(), out.metadata().get("TILEINFER_MODEL_VERSION"));
        }

        int tiles = 14 * 13; // ceil(627/48) x ceil(603/48)
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"))) {
            List<TileResult> rows = store.tiles(summary.runId());
            assertEquals(tiles, rows.size());
            assertTrue(rows.stream().allMatch(r -> r.status() == TileStatus.DONE && r.modelVersion().equals(model.id())
                    && r.inputSha256().length() == 64 && r.classFractions().size() == 2));
        }
        Manifest manifest = Manifest.read(summary.manifest());
        assertEquals(tiles, manifest.counts().done());
        assertEquals(model.onnxSha256(), manifest.model().onnxSha256());
        assertEquals("production", manifest.model().alias());
        assertEquals(Hashing.sha256(prediction), manifest.outputs().getFirst().sha256());
        assertEquals(Hashing.sha256(Path.of(SharedData.variant("l8_rgbn_cog.tif"))),
                manifest.scenes().getFirst().inputs().getFirst().sha256());
        assertEquals(Hashing.sha256(dir.resolve("pipeline.yaml")), manifest.config().sha256());
        assertTrue(manifest.stageTimings().containsKey("infer"));

        // The quicklook beside the raster: the scene's size plus the legend strip, the classes' colours in it.
        Path quicklook = summary.runDir().resolve("predictions/l8.quicklook.png");
        java.awt.image.BufferedImage picture = javax.imageio.ImageIO.read(quicklook.toFile());
        assertEquals(List.of(627, 603 + 28), List.of(picture.getWidth(), picture.getHeight()));
        java.util.Set<Integer> legend = new java.util.HashSet<>();
        for (int x = 0; x < 200; x++) {
            legend.add(picture.getRGB(x, 603 + 14) & 0xFFFFFF);
        }
        for (io.tileinfer.model.ClassSpec spec : model.card().classes()) {
            assertTrue(legend.contains(Integer.parseInt(spec.color().substring(1), 16)), spec.name() + " in the legend");
        }
        // The manifest names both files of the scene, relative to the run directory, with their SHA-256.
        Manifest.SceneEntry scene = manifest.scenes().getFirst();
        assertEquals(new Manifest.FileEntry("predictions/l8.tif", Hashing.sha256(prediction)), scene.output());
        assertEquals(new Manifest.FileEntry("predictions/l8.quicklook.png", Hashing.sha256(quicklook)),
                scene.quicklook());
        Path itemFile = summary.runDir().resolve("predictions/l8.json");
        assertEquals(new Manifest.FileEntry("predictions/l8.json", Hashing.sha256(itemFile)), scene.stacItem());
        assertEquals(List.of(scene.output(), scene.quicklook(), scene.stacItem()), manifest.outputs());
        JsonNode json = new ObjectMapper().readTree(summary.manifest().toFile()); // as Airflow or a user reads it
        assertEquals(Hashing.sha256(summary.runDir().resolve(json.at("/scenes/0/quicklook/path").asText())),
                json.at("/scenes/0/quicklook/sha256").asText());
        assertEquals(json.at("/scenes/0/quicklook"), json.at("/outputs/1"));
        assertEquals(json.at("/scenes/0/stac_item"), json.at("/outputs/2"));

        // The STAC Item: valid against the official schemas, its footprint GDAL's own, its assets the manifest's.
        JsonNode item = new ObjectMapper().readTree(itemFile.toFile());
        assertEquals(List.of(), StacSchemas.errors(item));
        assertEquals(summary.runId() + "~l8", item.path("id").asText());
        assertEquals(scene.acquired(), Instant.parse(item.at("/properties/datetime").asText()));
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"))) {
            assertEquals(store.run(summary.runId()).orElseThrow().startedAt(),
                    Instant.parse(item.at("/properties/created").asText()), "created is when the run started");
            assertEquals(store.run(summary.runId()).orElseThrow().startedAt(), manifest.startedAt());
        }
        assertTrue(json.path("resumed_at").isMissingNode(), "a run of one attempt was not resumed");
        assertEquals(model.id(), item.at("/properties/tileinfer:model_version").asText());
        assertEquals(manifest.config().sha256(), item.at("/properties/tileinfer:config_sha256").asText());
        assertEquals("1220" + scene.output().sha256(), item.at("/assets/prediction/file:checksum").asText());
        assertEquals(Files.size(prediction), item.at("/assets/prediction/file:size").asLong());
        assertEquals("1220" + scene.quicklook().sha256(), item.at("/assets/quicklook/file:checksum").asText());
        assertEquals(summary.runDir().resolve("predictions").resolve(item.at("/assets/prediction/href").asText())
                .normalize(), prediction);
        assertEquals(info.at("/bands").size(), item.at("/assets/prediction/raster:bands").size());
        JsonNode ring = item.at("/geometry/coordinates/0");
        JsonNode gdalCorners = info.at("/wgs84Extent/coordinates/0"); // upper left, lower left, lower right, upper right
        for (int corner = 0; corner < 5; corner++) {
            JsonNode ours = ring.get(corner * (ring.size() - 1) / 4);
            for (int axis = 0; axis < 2; axis++) {
                assertEquals(gdalCorners.get(corner).get(axis).asDouble(), ours.get(axis).asDouble(), 1e-7,
                        "corner " + corner + " axis " + axis);
            }
        }
        for (int axis = 0; axis < 2; axis++) { // the box: the corners' range, and the edges' slight bulge
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (JsonNode point : gdalCorners) {
                min = Math.min(min, point.get(axis).asDouble());
                max = Math.max(max, point.get(axis).asDouble());
            }
            assertEquals(min, item.at("/bbox/" + axis).asDouble(), 1e-4);
            assertEquals(max, item.at("/bbox/" + (axis + 2)).asDouble(), 1e-4);
        }

        // A resumed run whose quicklook went missing writes it again, byte for byte, and the item that lists it;
        // the raster is untouched.
        byte[] first = Files.readAllBytes(quicklook);
        byte[] firstItem = Files.readAllBytes(itemFile);
        String raster = Hashing.sha256(prediction);
        Files.delete(quicklook);
        // and as if killed after the scene's row said DONE, before its work files went: they go now
        Path scratch = Files.createDirectories(summary.runDir().resolve("scratch")).resolve("l8.tif");
        Files.writeString(scratch, "a scratch raster left behind");
        Files.writeString(scratch.resolveSibling("l8.tif.state"), "left behind");
        Files.createDirectories(summary.runDir().resolve("chunks/l8"));
        RunSummary resumed = Runs.run(Runs.config(dir, yaml("{size: 64, halo: 8, batch: 4}", cog())), 2);
        assertArrayEquals(first, Files.readAllBytes(quicklook));
        assertArrayEquals(firstItem, Files.readAllBytes(itemFile));
        assertEquals(raster, Hashing.sha256(prediction));
        assertEquals(manifest.outputs(), Manifest.read(resumed.manifest()).outputs());
        assertFalse(Files.exists(summary.runDir().resolve("scratch")), "no scratch raster left, nor its directory");
        assertFalse(Files.exists(summary.runDir().resolve("chunks")));

        // Likewise a missing item alone, the same bytes as the first attempt's.
        Files.delete(itemFile);
        resumed = Runs.run(Runs.config(dir, yaml("{size: 64, halo: 8, batch: 4}", cog())), 2);
        assertArrayEquals(firstItem, Files.readAllBytes(itemFile));
        assertEquals(manifest.outputs(), Manifest.read(resumed.manifest()).outputs());

        // A quicklook or an item changed since is written again, not listed with its new SHA-256.
        Files.write(quicklook, new byte[] {'x'}, StandardOpenOption.APPEND);
        Files.write(itemFile, new byte[] {' '}, StandardOpenOption.APPEND);
        resumed = Runs.run(Runs.config(dir, yaml("{size: 64, halo: 8, batch: 4}", cog())), 2);
        assertArrayEquals(first, Files.readAllBytes(quicklook));
        assertArrayEquals(firstItem, Files.readAllBytes(itemFile));
        assertEquals(manifest.outputs(), Manifest.read(resumed.manifest()).outputs());

        // A quicklook that cannot be written is left out of the manifest and of the item; the raster is still listed.
        Files.delete(quicklook);
        Files.createDirectories(quicklook.resolveSibling(quicklook.getFileName() + ".tmp")); // blocks its writing
        Manifest without = Manifest.read(Runs.run(Runs.config(dir, yaml("{size: 64, halo: 8, batch: 4}", cog())), 2)
                .manifest());
        assertEquals(null, without.scenes().getFirst().quicklook());
        assertEquals(List.of(scene.output(), without.scenes().getFirst().stacItem()), without.outputs());
        assertTrue(Files.notExists(quicklook));
        JsonNode withoutQuicklook = new ObjectMapper().readTree(itemFile.toFile());
        assertEquals(List.of(), StacSchemas.errors(withoutQuicklook));
        assertTrue(withoutQuicklook.at("/assets/quicklook").isMissingNode());
    }

    @Test
    void aSceneFromAStacItemHasAnItemThatLinksToIt(@TempDir Path dir) throws Exception {
        Path input = SharedData.landsatStacItem(dir.resolve("inputs/LC08.json"));
        RunSummary summary = Runs.run(Runs.config(dir, yaml("{size: 640, halo: 0}",
                "  - {stac: inputs/LC08.json}")), 1);
        JsonNode item = new ObjectMapper().readTree(summary.runDir().resolve("predictions/LC08.json").toFile());
        assertEquals(List.of(), StacSchemas.errors(item));
        assertEquals("derived_from", item.at("/links/0/rel").asText());
        assertEquals(input.toUri().toString(), item.at("/links/0/href").asText());
        assertEquals("2015-08-04T16:19:21Z", item.at("/properties/datetime").asText());
        List<Manifest.FileEntry> inputs = Manifest.read(summary.manifest()).scenes().getFirst().inputs();
        assertEquals(new Manifest.FileEntry(input.toString(), Hashing.sha256(input)), inputs.getLast(),
                "the item is an input, after its bands");
    }

    @Test
    void aSceneAcrossTheAntimeridianHasAnItemSplitThere(@TempDir Path dir) throws Exception {
        Path fiji = SharedData.acrossTheAntimeridian(dir);
        RunSummary summary = Runs.run(Runs.config(dir, yaml("{size: 640, halo: 0}",
                "  - {id: fiji, file: %s}".formatted(fiji))), 1);
        Manifest.SceneEntry scene = Manifest.read(summary.manifest()).scenes().getFirst();
        assertEquals("predictions/fiji.json", scene.stacItem() == null ? null : scene.stacItem().path(),
                "the manifest lists the item");
        JsonNode item = new ObjectMapper().readTree(summary.runDir().resolve("predictions/fiji.json").toFile());
        assertEquals(List.of(), StacSchemas.errors(item));
        assertEquals("MultiPolygon", item.at("/geometry/type").asText());
        assertTrue(item.at("/bbox/0").asDouble() > 179.9 && item.at("/bbox/2").asDouble() < -179.9,
                item.path("bbox").toString());
    }

    @Test
    void theStitchedOutputEqualsAWholeScenePrediction(@TempDir Path dir) throws Exception {
        Path tiled = Runs.run(Runs.config(dir.resolve("tiled"), yaml("{size: 64, halo: 8}", cog())), 2)
                .runDir().resolve("predictions/l8.tif");
        Path whole = Runs.run(Runs.config(dir.resolve("whole"), yaml("{size: 640, halo: 0}", cog())), 1)
                .runDir().resolve("predictions/l8.tif");
        Window all = new Window(0, 0, 627, 603);
        float[] a = new float[3 * 627 * 603];
        float[] b = new float[3 * 627 * 603];
        try (RasterReader ra = RasterReader.open(tiled.toString()); RasterReader rb = RasterReader.open(whole.toString())) {
            ra.read(all, new int[]{1, 2, 3}, a);
            rb.read(all, new int[]{1, 2, 3}, b);
        }
        assertArrayEquals(b, a);
        long clouds = 0;
        for (int i = 0; i < 627 * 603; i++) {
            clouds += a[i] == 1 ? 1 : 0;
        }
        assertTrue(clouds > 0 && clouds < 627 * 603, "the test model should find some, not all, bright pixels");
    }

    @Test
    void outputsAndRowsDoNotDependOnTheNumberOfWorkers(@TempDir Path dir) throws Exception {
        String config = yaml("{size: 64, halo: 8, batch: 3}", cog());
        RunSummary one = Runs.run(Runs.config(dir.resolve("one"), config), 1);
        RunSummary four = Runs.run(Runs.config(dir.resolve("four"), config), 4);
        assertEquals(one.runId(), four.runId());
        assertEquals(Hashing.sha256(one.runDir().resolve("predictions/l8.tif")),
                Hashing.sha256(four.runDir().resolve("predictions/l8.tif")));
        assertEquals(Hashing.sha256(one.runDir().resolve("predictions/l8.quicklook.png")),
                Hashing.sha256(four.runDir().resolve("predictions/l8.quicklook.png")));
        assertEquals(comparableRows(dir.resolve("one"), one.runId()), comparableRows(dir.resolve("four"), four.runId()));
    }

    /** Rows without what legitimately varies: latency and the time recorded. */
    static List<String> comparableRows(Path dir, String runId) {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"))) {
            return store.tiles(runId).stream().map(r -> String.join("|", r.sceneId(), r.tileId(),
                    String.valueOf(r.tileIndex()), r.window().toString(), java.util.Arrays.toString(r.bounds()),
                    r.status().name(), String.valueOf(r.error()), String.valueOf(r.cause()),
                    String.valueOf(r.attempts()), r.classFractions().toString(), String.valueOf(r.inputSha256()),
                    r.modelVersion())).toList();
        }
    }

    @Test
    void aFailingTileIsRetriedAndRecordedAndTheRestGoesOn(@TempDir Path dir) throws Exception {
        Path cut = SharedData.cutAtThreeQuarters(dir.resolve("l8_rgbn_cut.tif"));
        String scenes = cog() + """

                  - {id: truncated, file: %s}
                  - {id: not-a-tiff, file: %s}
                """.formatted(cut, SharedData.variant("not_a_tiff.tif"));
        String config = yaml("{size: 256, halo: 0}", scenes) + "checks: {skip: [integrity]}\n";
        RunSummary summary = Runs.run(Runs.config(dir, config), 2);
        assertEquals(false, summary.complete());
        Manifest manifest = Manifest.read(summary.manifest());
        assertEquals("finished_with_failures", manifest.status());
        assertEquals("DONE", manifest.scenes().get(0).status());
        Manifest.SceneEntry truncated = manifest.scenes().get(1);
        assertEquals("PARTIAL", truncated.status());
        // its imagery cannot be read whole, its quicklook shows the predicted tiles all the same
        assertTrue(Files.size(summary.runDir().resolve("predictions/truncated.quicklook.png")) > 1000);
        assertTrue(truncated.tiles().failed() > 0, "the missing blocks fail");
        assertTrue(truncated.tiles().done() > 0, "nothing else does");
        Manifest.SceneEntry broken = manifest.scenes().get(2);
        assertEquals("FAILED", broken.status());
        assertEquals("readable", broken.issues().getFirst().check());
        assertTrue(broken.issues().getFirst().file().endsWith("not_a_tiff.tif"));
        assertEquals(1L, manifest.failuresByCause().get("validation:readable"));
        assertEquals(truncated.tiles().failed(), manifest.failuresByCause().get("read"));
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"))) {
            TileResult failed = store.tiles(summary.runId()).stream().filter(r -> r.status() == TileStatus.FAILED)
                    .findFirst().orElseThrow();
            assertEquals("read", failed.cause());
            assertEquals(2, failed.attempts(), "one retry was configured");
            assertTrue(failed.error().contains("l8_rgbn_cut.tif"), failed.error());
        }
        assertTrue(Files.exists(summary.runDir().resolve("predictions/truncated.tif")),
                "a partial scene still gets its raster, with nodata where tiles failed");
        assertTrue(Files.exists(summary.runDir().resolve("scratch/truncated.tif")), "kept for a resume");
        assertFalse(Files.exists(summary.runDir().resolve("scratch/l8.tif")), "gone once the scene is done");

        // Resumed with a scratch raster that is not one any more: it is made again, its tiles computed again.
        String partial = Hashing.sha256(summary.runDir().resolve("predictions/truncated.tif"));
        Files.writeString(summary.runDir().resolve("scratch/truncated.tif"), "damaged");
        CountingListener resumed = new CountingListener();
        RunSummary again = new BatchRunner(ConfigLoader.load(dir.resolve("pipeline.yaml")).withWorkers(2),
                new SimpleMeterRegistry(), resumed).run();
        assertEquals(truncated.tiles().skipped(), resumed.alreadyFinished.get());
        assertEquals(truncated.tiles().tiles() - truncated.tiles().skipped(), resumed.processed.get());
        assertEquals(partial, Hashing.sha256(again.runDir().resolve("predictions/truncated.tif")));
    }

    /** A scene's file that goes away after validation costs that scene's tiles, not the run (nor the next scene). */
    @Test
    void aSceneWhoseFileIsGoneOnceValidatedFailsItsTilesAndTheRunGoesOn(@TempDir Path dir) throws Exception {
        Path copy = Files.copy(Path.of(SharedData.variant("l8_rgbn_cog.tif")), dir.resolve("going.tif"));
        String scenes = """
                  - {id: going, file: %s}
                """.formatted(copy) + cog();
        RunListener deleting = new RunListener() {
            @Override
            public void sceneStarted(String sceneId, int tiles, int finished) {
                if (sceneId.equals("going")) {
                    copy.toFile().delete(); // validated and planned; its tiles not read yet
                }
            }

            @Override
            public void tilesFinished(int count) {
            }

            @Override
            public void sceneFinished(String sceneId) {
            }
        };
        RunSummary summary = new BatchRunner(ConfigLoader.load(Runs.config(dir, yaml("{size: 256, halo: 0}",
                scenes))).withWorkers(2), new SimpleMeterRegistry(), deleting).run();

        assertFalse(summary.complete());
        Manifest manifest = Manifest.read(summary.manifest());
        Manifest.SceneEntry going = manifest.scenes().get(0);
        assertEquals(going.tiles().tiles(), going.tiles().failed(), "every tile of the scene fails");
        assertEquals("DONE", manifest.scenes().get(1).status(), "the next scene is done");
        assertEquals(going.tiles().failed(), manifest.failuresByCause().get("read"));
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"))) {
            TileResult failed = store.tiles(summary.runId()).stream().filter(r -> r.status() == TileStatus.FAILED)
                    .findFirst().orElseThrow();
            assertTrue(failed.error().contains("going.tif"), failed.error());
        }
    }

    @Test
    void tilesWhoseProbabilitiesAreNotFiniteFailAsTheModelsOutputNotAsSomeClass(@TempDir Path dir) throws Exception {
        Path models = dir.resolve("models");
        TestModels.overflowing(models, "overflowing");
        String config = yaml("{size: 256, halo: 0}", cog()).replace("model: production", "model: overflowing")
                .replace("registry: " + BatchRunnerTest.registry, "registry: " + models);
        RunSummary summary = Runs.run(Runs.config(dir, config), 2);

        assertFalse(summary.complete());
        Manifest manifest = Manifest.read(summary.manifest());
        assertEquals("FAILED", manifest.scenes().getFirst().status(), "no raster of classes made up from NaN");
        assertEquals(manifest.scenes().getFirst().tiles().tiles(), manifest.failuresByCause().get("model_output"));
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"))) {
            TileResult failed = store.tiles(summary.runId()).getFirst();
            assertEquals(TileStatus.FAILED, failed.status());
            assertEquals("model_output", failed.cause());
            assertTrue(failed.error().startsWith("the model gave a probability of NaN for class 0 at pixel ("),
                    failed.error());
            assertEquals(1, failed.attempts(), "not retried: the same input gives the same output");
        }
    }

    /** Once a scene is done its scratch raster goes: if its COG is removed, a resumed run computes it again. */
    @Test
    void aRemovedRasterIsComputedAgain(@TempDir Path dir) throws Exception {
        Path config = Runs.config(dir, yaml("{size: 64, halo: 8}", cog()));
        RunSummary first = Runs.run(config, 2);
        Path cog = first.runDir().resolve("predictions/l8.tif");
        String sha = Hashing.sha256(cog);
        assertFalse(Files.exists(first.runDir().resolve("scratch/l8.tif")));
        Files.delete(cog);

        CountingListener resumed = new CountingListener();
        RunSummary again = new BatchRunner(ConfigLoader.load(config).withWorkers(2), new SimpleMeterRegistry(),
                resumed).run();
        Manifest.Counts counts = Manifest.read(again.manifest()).counts();
        assertEquals(counts.skipped(), resumed.alreadyFinished.get(), "only skipped tiles need no pixels");
        assertEquals(counts.done(), resumed.processed.get());
        assertEquals(sha, Hashing.sha256(cog));
    }

    @Test
    void tilesThatAreAllNodataAreSkipped(@TempDir Path dir) throws Exception {
        Path input = SharedData.withFillAtLeft(dir.resolve("left-half-empty.tif"), 300, true);
        RunSummary summary = Runs.run(Runs.config(dir, yaml("{size: 128, halo: 0}",
                "  - {id: half, file: %s}".formatted(input))), 2);
        Manifest manifest = Manifest.read(summary.manifest());
        assertEquals(5 * 5, manifest.counts().tiles());
        assertEquals(2 * 5, manifest.counts().skipped(), "columns 0..255 are entirely nodata");
        assertTrue(summary.complete());
    }

    /**
     * Landsat Level-1 fill (0 in every band) in a file without a nodata tag: a model whose card names the fill masks
     * it (nodata in the class map, its tiles skipped); one whose card does not classifies it, as the card asks.
     */
    @Test
    void theCardsFillIsNodataInAFileThatHasNoNodataTag(@TempDir Path dir) throws Exception {
        Path input = SharedData.withFillAtLeft(dir.resolve("left-fill.tif"), 300, false);
        TestModels.brightnessOverFill(registry, "fill");
        String scene = "  - {id: fill, file: %s}".formatted(input);
        Path masked = dir.resolve("masked");
        RunSummary withFill = Runs.run(Runs.config(masked, yaml("{size: 128, halo: 0}", scene)
                .replace("model: production", "model: fill")), 2);
        assertEquals(2 * 5, Manifest.read(withFill.manifest()).counts().skipped(), "columns 0..255 are all fill");
        assertEquals(List.of(new Manifest.BandEntry("B2", input.toString(), 1, 0.0),
                        new Manifest.BandEntry("B3", input.toString(), 2, 0.0),
                        new Manifest.BandEntry("B4", input.toString(), 3, 0.0),
                        new Manifest.BandEntry("B5", input.toString(), 4, 0.0)),
                Manifest.read(withFill.manifest()).scenes().getFirst().bands(), "how each model band was read");
        float[] classes = new float[300 * 603];
        try (RasterReader out = RasterReader.open(withFill.runDir().resolve("predictions/fill.tif").toString())) {
            out.read(new Window(0, 0, 300, 603), new int[]{1}, classes);
            assertTrue(IntStream.range(0, classes.length).allMatch(i -> classes[i] == 255), "fill is nodata");
            float[] beside = new float[603];
            out.read(new Window(300, 0, 1, 603), new int[]{1}, beside);
            assertTrue(IntStream.range(0, beside.length).allMatch(i -> beside[i] != 255), "the scene is not");
        }

        RunSummary without = Runs.run(Runs.config(dir.resolve("unmasked"), yaml("{size: 128, halo: 0}", scene)), 2);
        assertEquals(0, Manifest.read(without.manifest()).counts().skipped(), "a card without fill: all predicted");
    }

    /**
     * A model on reflectance corrected for the sun angle divides each scene's by the sine of its own sun elevation:
     * the same pixels under a lower sun are brighter to it (more "cloud" to the brightness model), and the manifest
     * says which elevation each scene was given.
     */
    @Test
    void aSunAngleCorrectedModelDividesByEachScenesSunElevation(@TempDir Path dir) throws Exception {
        TestModels.sunCorrected(registry, "sun");
        String file = SharedData.variant("l8_rgbn_cog.tif");
        String scenes = String.join("\n", "  - {id: zenith, file: %s, sun_elevation: 90}".formatted(file),
                "  - {id: low, file: %s, sun_elevation: 20}".formatted(file),
                "  - {id: computed, file: %s}".formatted(file));
        RunSummary corrected = Runs.run(Runs.config(dir.resolve("corrected"), yaml("{size: 128, halo: 0}", scenes)
                .replace("model: production", "model: sun")), 2);
        List<Manifest.SceneEntry> entries = Manifest.read(corrected.manifest()).scenes();
        assertEquals(90.0, entries.get(0).sunElevation());
        assertEquals(20.0, entries.get(1).sunElevation());
        assertEquals(64.255, entries.get(2).sunElevation(), 0.001, "from the file's time at its centre");
        assertEquals("the scene's configuration (sun_elevation)", entries.get(0).sunElevationSource());
        assertEquals("computed for 2015-08-04T16:19:21Z at the scene's centre, 30.7287° N 87.3982° W",
                entries.get(2).sunElevationSource());
        JsonNode item = new ObjectMapper().readTree(corrected.runDir().resolve("predictions/low.json").toFile());
        assertEquals(List.of(), StacSchemas.errors(item));
        assertEquals(20.0, item.at("/properties/view:sun_elevation").asDouble(), "the output's item says it too");

        RunSummary plain = Runs.run(Runs.config(dir.resolve("plain"), yaml("{size: 128, halo: 0}", cog())), 2);
        assertNull(Manifest.read(plain.manifest()).scenes().getFirst().sunElevation(), "the model needs none");
        long cloudAtZenith = cloud(Runs.predictionPixels(corrected, "zenith"));
        long cloudComputed = cloud(Runs.predictionPixels(corrected, "computed"));
        long cloudLow = cloud(Runs.predictionPixels(corrected, "low"));
        assertTrue(cloudAtZenith < cloudComputed && cloudComputed < cloudLow,
                cloudAtZenith + " < " + cloudComputed + " < " + cloudLow + " cloud pixels");
    }

    /** Pixels of class 1 in a prediction's class map (its first band). */
    private static long cloud(float[] pixels) {
        return IntStream.range(0, 627 * 603).filter(i -> pixels[i] == 1).count();
    }

    /** A scene of nodata alone fails (nothing to predict), and its skipped tiles are in the run's counts. */
    @Test
    void aSceneOfNodataAloneFailsWithItsTilesCountedSkipped(@TempDir Path dir) throws Exception {
        Path input = SharedData.withFillAtLeft(dir.resolve("empty.tif"), 627, true); // every column
        RunSummary summary = Runs.run(Runs.config(dir, yaml("{size: 128, halo: 0}",
                "  - {id: empty, file: %s}".formatted(input))), 2);
        Manifest manifest = Manifest.read(summary.manifest());
        Manifest.SceneEntry empty = manifest.scenes().getFirst();
        assertEquals("FAILED", empty.status());
        assertEquals("nodata", empty.issues().getFirst().check());
        assertEquals(new Manifest.Counts(25, 0, 25, 0, 1, 0), empty.tiles());
        assertEquals(new Manifest.Counts(25, 0, 25, 0, 1, 1), manifest.counts());
        // no tile failed: the issue says why, with the scene's row as many tiles as the manifest
        List<String> report = RunReport.lines(summary);
        assertEquals("  empty: FAILED", report.get(1));
        assertTrue(report.get(2).contains("only nodata pixels"), report.get(2));
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"))) {
            assertEquals(25, store.scenes(summary.runId()).getFirst().tiles());
        }
    }
}
