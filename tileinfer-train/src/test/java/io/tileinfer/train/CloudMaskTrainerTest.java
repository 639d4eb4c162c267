package io.tileinfer.train;

import io.tileinfer.model.BandSpec;
import io.tileinfer.model.InputScaling;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelOptions;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.model.Sha256;
import io.tileinfer.model.TileModel;
import io.tileinfer.model.TrainingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trains the reference model on the real Landsat 8 scene once and checks what it produced. */
class CloudMaskTrainerTest {

    private static TrainConfig config;
    private static TrainingResult result;
    private static SceneData scene;

    @BeforeAll
    static void train() {
        config = TestData.referenceConfig();
        result = CloudMaskTrainer.train(config);
        scene = SceneData.load(config);
    }

    /** A copy of the real scene whose quality band says every pixel is clear: the labels are named, not the seed. */
    @Test
    void labelsOfOneClassAreTheLabelsProblem(@TempDir Path dir) throws Exception {
        Path source = TestData.sharedData().resolve("landsat8-LC80200392015216");
        for (String band : config.bands()) {
            Files.copy(source.resolve(band + ".tif"), dir.resolve(band + ".tif"));
        }
        Process clear = new ProcessBuilder("gdal_translate", "-q", "-scale", "0", "65535", "0", "0",
                source.resolve(config.labelsFile()).toString(), dir.resolve(config.labelsFile()).toString())
                .inheritIO().start();
        assertEquals(0, clear.waitFor());
        TrainingException e = assertThrows(TrainingException.class,
                () -> CloudMaskTrainer.train(config.withSceneDirectory(dir)));
        assertEquals(config.file() + ": scene.labels: " + config.labelsFile() + " labels all its "
                + (long) scene.width() * scene.height() + " pixels clear: a cloud mask is learnt from both clear and "
                + "cloud pixels; train on a scene that has both", e.getMessage());
    }

    @Test
    void beatsTheBaselineOnHeldOutBlocks() {
        Evaluation evaluation = result.evaluation();
        CloudMetrics model = evaluation.model();
        CloudMetrics baseline = evaluation.baseline();
        System.out.printf("held-out blocks %d of %d (%d pixels, %.1f %% cloud)%n", evaluation.heldOutBlocks(),
                evaluation.blocks(), evaluation.heldOutPixels(), 100 * evaluation.heldOutCloudFraction());
        System.out.printf("model    precision %.4f recall %.4f F1 %.4f IoU %.4f%n", model.precision(),
                model.recall(), model.f1(), model.iou());
        System.out.printf("baseline precision %.4f recall %.4f F1 %.4f IoU %.4f  (%s)%n", baseline.precision(),
                baseline.recall(), baseline.f1(), baseline.iou(), evaluation.baselineRule());

        assertTrue(model.f1() >= 0.80, "held-out cloud F1 " + model.f1());
        assertTrue(model.f1() >= baseline.f1() + 0.05, "model F1 " + model.f1() + " vs baseline " + baseline.f1());
        assertTrue(model.iou() > baseline.iou(), "model IoU " + model.iou() + " vs baseline " + baseline.iou());
        double heldOutShare = (double) evaluation.heldOutBlocks() / evaluation.blocks();
        assertTrue(heldOutShare >= 0.2 && heldOutShare <= 0.3, "held-out share " + heldOutShare);
    }

    @Test
    void cardDescribesTheModel() throws Exception {
        ModelCard card = result.card();

        assertEquals("l8-cloudmask", card.name());
        assertEquals(List.of("semantic-segmentation"), card.tasks());
        assertEquals("onnxruntime", card.framework());
        assertEquals(List.of("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B9", "B10", "B11"), card.bandNames());
        // Level-1 fill (DN 0) is every band's nodata: the files carry no tag, and the model would call it cloud.
        // Reflective bands are TOA reflectance corrected for the sun angle; thermal ones radiance, uncorrected.
        assertEquals(new BandSpec("B1", "coastal", 2.0E-5, -0.1, 0.0, true), card.bands().getFirst());
        assertEquals(new BandSpec("B10", "lwir11", 3.342E-4, 0.1, 0.0, false), card.bands().get(8));
        assertEquals(List.of("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B9"), card.bands().stream()
                .filter(BandSpec::sunAngleCorrected).map(BandSpec::name).toList());
        assertEquals(64.74360932, card.hyperParameters().get("training_sun_elevation"), "the MTL.txt's");
        assertTrue(card.bands().stream().allMatch(b -> Double.valueOf(0).equals(b.nodata())));
        assertEquals("uint16", card.inputDataType());
        assertEquals(List.of(-1L, 10L, -1L, -1L), card.inputShape());
        assertEquals(List.of("clear", "cloud"), card.classes().stream().map(c -> c.name()).toList());
        assertEquals(256, card.tileSize());
        assertEquals(0, card.halo());
        assertEquals(42, card.seed());
        assertEquals("4.3.2", card.libraryVersions().get("tribuo"));
        assertEquals("quadratic", card.hyperParameters().get("features"));
        @SuppressWarnings("unchecked")
        Map<String, Object> model = (Map<String, Object>) card.metrics().get("model");
        assertEquals(result.evaluation().model().f1(), model.get("f1"));
        assertTrue(card.metrics().containsKey("baseline"));

        Map<String, String> published = new HashMap<>();
        for (String line : Files.readAllLines(TestData.sharedData().resolve("SHA256SUMS"))) {
            published.put(line.substring(66), line.substring(0, 64));
        }
        assertEquals(12, card.trainingData().size()); // BQA, ten bands, the rescaling coefficients
        for (TrainingFile file : card.trainingData().subList(0, 11)) {
            assertEquals(published.get(file.path()), file.sha256(), file.path());
        }
        TrainingFile rescaling = card.trainingData().getLast();
        assertEquals(config.metadataFile().getFileName().toString(), rescaling.path());
        assertEquals(Sha256.ofFile(config.metadataFile()), rescaling.sha256());
    }

    @Test
    void onnxRuntimeAgreesWithTribuo() {
        double maxDifference = maxDifferenceOrtVsTribuo(result, 1000);
        System.out.printf("ONNX Runtime vs Tribuo on 1000 pixels: max |difference| %.2e%n", maxDifference);
        assertTrue(maxDifference < 1e-5, "max difference " + maxDifference);
    }

    @Test
    void linearFeaturesExportToo() {
        TrainingResult linearResult = CloudMaskTrainer.train(linear(config.splitSeed(), config.seed()));

        assertTrue(maxDifferenceOrtVsTribuo(linearResult, 1000) < 1e-5);
        assertEquals(10L, linearResult.card().hyperParameters().get("feature_count"));
    }

    /** Models trained with other seeds are evaluated on the same held-out blocks, so that their metrics compare. */
    @Test
    void theHeldOutBlocksFollowTheSplitsSeedNotTheTrainingsOne() {
        Map<?, ?> first = heldOut(CloudMaskTrainer.train(linear(config.splitSeed(), 1)));
        assertEquals(first, heldOut(CloudMaskTrainer.train(linear(config.splitSeed(), 2))));
        assertNotEquals(first, heldOut(CloudMaskTrainer.train(linear(config.splitSeed() + 1, 1))));
        // a configuration written before split.seed: the blocks follow training.seed, as they did
        assertNotEquals(heldOut(CloudMaskTrainer.train(linear(null, 1))),
                heldOut(CloudMaskTrainer.train(linear(null, 2))));
    }

    @Test
    void blocksSoLargeThatNoneIsHeldOutSayWhatHelps() {
        TrainConfig oneBlock = new TrainConfig(config.file(), config.modelName(), config.tileSize(),
                config.sceneDirectory(), config.metadataFile(), config.labelsFile(), config.bands(), 4096,
                config.heldOutFraction(), config.splitSeed(), config.seed(), 5000, FeatureSet.LINEAR, 2,
                config.learningRate());
        TrainingException e = assertThrows(TrainingException.class, () -> CloudMaskTrainer.train(oneBlock));
        assertEquals(config.file() + ": split.block_size: 4096 cuts the 627 x 603 px scene into 1 block(s), of which a "
                + "held_out_fraction of 0.25 holds out none: use a smaller block_size", e.getMessage());
    }

    private static Map<?, ?> heldOut(TrainingResult result) {
        return (Map<?, ?>) result.card().metrics().get("held_out");
    }

    /** The configuration, made quick: linear features, 5000 pixels, 2 epochs. */
    private static TrainConfig linear(Long splitSeed, long seed) {
        return new TrainConfig(config.file(), config.modelName(), config.tileSize(), config.sceneDirectory(),
                config.metadataFile(), config.labelsFile(), config.bands(), config.blockSize(),
                config.heldOutFraction(), splitSeed, seed, 5000, FeatureSet.LINEAR, 2, config.learningRate());
    }

    /** The largest difference between ONNX Runtime's and Tribuo's probabilities, over pixels across the scene. */
    private static double maxDifferenceOrtVsTribuo(TrainingResult trained, int count) {
        int[] pixels = new int[count];
        for (int i = 0; i < count; i++) {
            pixels[i] = (int) ((long) i * scene.pixels() / count);
        }
        int bands = config.bands().size();
        float[] raw = new float[bands * count];
        for (int b = 0; b < bands; b++) {
            for (int i = 0; i < count; i++) {
                raw[b * count + i] = scene.raw()[b * scene.pixels() + pixels[i]];
            }
        }
        // the training scene's own sun elevation, as the trainer scaled its pixels
        InputScaling scaling = InputScaling.of(trained.card().bands(), 64.74360932);
        float[] onnx = new float[2 * count];
        try (TileModel model = TileModel.load(trained.onnx(), trained.card(), ModelOptions.defaults())) {
            model.predict(scaling, raw, 1, 1, count, onnx);
        }
        double maxDifference = 0;
        for (int i = 0; i < count; i++) {
            float[] scaled = new float[bands];
            for (int b = 0; b < bands; b++) {
                scaled[b] = scaling.apply(b, raw[b * count + i]);
            }
            double[] tribuo = trained.classifier().probabilities(scaled);
            for (int k = 0; k < tribuo.length; k++) {
                maxDifference = Math.max(maxDifference, Math.abs(tribuo[k] - onnx[k * count + i]));
            }
        }
        return maxDifference;
    }

    @Test
    void trainingAgainGivesTheSameBytesAndVersion(@TempDir Path registryRoot) {
        TrainingResult again = CloudMaskTrainer.train(config);

        assertArrayEquals(result.onnx(), again.onnx());
        assertEquals(result.card(), again.card());
        ModelRegistry registry = ModelRegistry.open(registryRoot);
        ModelVersion first = registry.register(result.onnx(), result.card());
        ModelVersion second = registry.register(again.onnx(), again.card());
        assertEquals(first.id(), second.id());
        assertEquals(1, registry.list().size());
    }
}
