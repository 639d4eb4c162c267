package io.tileinfer.train;

import io.tileinfer.model.BandSpec;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.model.InputScaling;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelOptions;
import io.tileinfer.model.OnnxRuntime;
import io.tileinfer.model.TensorNames;
import io.tileinfer.model.TileModel;
import org.tribuo.Tribuo;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * Trains the reference per-pixel cloud mask for a Landsat 8 scene: labels from the quality band, a spatial
 * train/held-out split by blocks, a seeded sample of training pixels, a Tribuo logistic regression, ONNX export,
 * and an evaluation of the exported model (through {@link TileModel}, as batch and API will run it) against a
 * single-band threshold baseline on the held-out blocks. The same configuration gives the same ONNX bytes.
 */
public final class CloudMaskTrainer {

    /** Output channel order of the model: 0 clear, 1 cloud. */
    static final List<ClassSpec> CLASSES = List.of(new ClassSpec(CloudLabels.CLEAR, "clear", "#2c7bb6"),
            new ClassSpec(CloudLabels.CLOUD, "cloud", "#ffffff"));
    private static final String RAW_DATA_TYPE = "uint16";
    // Strong references: java.util.logging forgets the level of a logger nobody holds.
    private static final Logger TRIBUO_LOG = Logger.getLogger("org.tribuo");
    private static final Logger OLCUT_LOG = Logger.getLogger("com.oracle.labs.mlrg.olcut");

    private CloudMaskTrainer() {
    }

    public static TrainingResult train(TrainConfig config) {
        TRIBUO_LOG.setLevel(Level.WARNING);
        OLCUT_LOG.setLevel(Level.WARNING);
        SceneData scene = SceneData.load(config);
        MtlMetadata mtl = MtlMetadata.read(config.metadataFile());
        List<BandSpec> bands = config.bands().stream().map(band -> Landsat8Bands.spec(band, mtl)).toList();
        double sunElevation = mtl.number(Landsat8Bands.SUN_ELEVATION);
        InputScaling scaling = InputScaling.of(bands, sunElevation);

        SplittableRandom random = new SplittableRandom(config.seed());
        SpatialSplit split = SpatialSplit.seeded(scene.width(), scene.height(), config.blockSize(),
                config.heldOutFraction(), config.splitSeed() == null ? random.split()
                        : new SplittableRandom(config.splitSeed()));
        requireBothClassesInTheScene(config, scene);
        if (split.heldOutBlockCount() == 0) { // no seed can help
            throw new TrainingException(config.file() + ": split.block_size: " + config.blockSize() + " cuts the "
                    + scene.width() + " x " + scene.height() + " px scene into " + split.blockCount() + " block(s), "
                    + "of which a held_out_fraction of " + config.heldOutFraction() + " holds out none: use a smaller "
                    + "block_size");
        }
        int[] trainingPixels = labelledPixels(scene, split, false);
        int[] heldOutPixels = labelledPixels(scene, split, true);
        requireBothClasses(scene, trainingPixels, "training");
        requireBothClasses(scene, heldOutPixels, "held-out");

        int[] sample = sample(trainingPixels, config.trainingPixels(), random.split());
        float[][] samplePixels = new float[sample.length][];
        byte[] sampleLabels = new byte[sample.length];
        for (int i = 0; i < sample.length; i++) {
            samplePixels[i] = scaledPixel(scene, scaling, sample[i]);
            sampleLabels[i] = scene.labels()[sample[i]];
        }
        PixelFeatures features = PixelFeatures.fit(config.features(), samplePixels);
        PixelClassifier classifier = PixelClassifier.train(features, CLASSES, samplePixels, sampleLabels,
                config.epochs(), config.learningRate(), config.seed());
        byte[] onnx = OnnxExport.export(classifier, config.modelName());

        ThresholdBaseline baseline = ThresholdBaseline.fit(config.bands(),
                scaledBands(scene, scaling, trainingPixels), isCloud(scene, trainingPixels));
        Map<String, Object> hyperParameters = hyperParameters(config, features, sample.length);
        hyperParameters.put("training_sun_elevation", sunElevation); // the scene's, from its MTL.txt
        Evaluation evaluation;
        try (TileModel model = TileModel.load(onnx, card(config, bands, scene, hyperParameters, Map.of()),
                ModelOptions.defaults())) {
            evaluation = evaluate(model, baseline, scaling, scene, split, trainingPixels, heldOutPixels);
        }
        return new TrainingResult(onnx, card(config, bands, scene, hyperParameters, evaluation.toCardMetrics()),
                evaluation, classifier);
    }

    private static Evaluation evaluate(TileModel model, ThresholdBaseline baseline, InputScaling scaling,
                                       SceneData scene, SpatialSplit split, int[] trainingPixels,
                                       int[] heldOutPixels) {
        boolean[] heldOutCloud = isCloud(scene, heldOutPixels);
        return new Evaluation(
                CloudMetrics.count(predictCloud(model, scaling, scene, heldOutPixels), heldOutCloud),
                CloudMetrics.count(baselineCloud(baseline, scene, scaling, heldOutPixels), heldOutCloud),
                baseline.rule(),
                CloudMetrics.count(predictCloud(model, scaling, scene, trainingPixels), isCloud(scene, trainingPixels)),
                split.heldOutBlockCount(), split.blockCount(), split.blockSize(), heldOutPixels.length,
                cloudFraction(scene, heldOutPixels));
    }

    private static ModelCard card(TrainConfig config, List<BandSpec> bands, SceneData scene,
                                  Map<String, Object> hyperParameters, Map<String, Object> metrics) {
        String onnxRuntime = OnnxRuntime.environment().getVersion();
        return new ModelCard(config.modelName(), null, List.of("semantic-segmentation"), "onnxruntime", onnxRuntime,
                bands, RAW_DATA_TYPE, List.of(-1L, (long) bands.size(), -1L, -1L), CLASSES, config.tileSize(), 0,
                scene.files(), config.seed(), hyperParameters, metrics,
                Map.of("tribuo", Tribuo.VERSION, "onnxruntime", onnxRuntime,
                        "java", String.valueOf(Runtime.version().feature())),
                new TensorNames(OnnxPixelGraph.INPUT, OnnxPixelGraph.OUTPUT));
    }

    private static Map<String, Object> hyperParameters(TrainConfig config, PixelFeatures features, int pixels) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("architecture", "per-pixel multinomial logistic regression on the standardised bands"
                + (features.set() == FeatureSet.QUADRATIC ? " and their pairwise products" : "")
                + ", exported as a 1x1 convolution and a softmax: no spatial context, hence halo 0");
        parameters.put("trainer", "Tribuo LinearSGDTrainer");
        parameters.put("objective", "LogMulticlass");
        parameters.put("optimiser", "AdaGrad");
        parameters.put("learning_rate", config.learningRate());
        parameters.put("adagrad_epsilon", PixelClassifier.ADAGRAD_EPSILON);
        parameters.put("epochs", config.epochs());
        parameters.put("minibatch_size", 1);
        parameters.put("features", features.set().name().toLowerCase(Locale.ROOT));
        parameters.put("feature_count", features.featureCount());
        parameters.put("training_pixels", pixels);
        parameters.put("block_size", config.blockSize());
        parameters.put("held_out_fraction", config.heldOutFraction());
        if (config.splitSeed() != null) {
            parameters.put("split_seed", config.splitSeed());
        }
        return parameters;
    }

    private static int[] labelledPixels(SceneData scene, SpatialSplit split, boolean heldOut) {
        return IntStream.range(0, scene.pixels())
                .filter(pixel -> scene.labels()[pixel] != CloudLabels.EXCLUDED && split.isHeldOut(pixel) == heldOut)
                .toArray();
    }

    /** A scene whose labels are of one class cannot teach two, whatever the split: that is the labels' problem. */
    private static void requireBothClassesInTheScene(TrainConfig config, SceneData scene) {
        int[] labelled = IntStream.range(0, scene.pixels())
                .filter(pixel -> scene.labels()[pixel] != CloudLabels.EXCLUDED).toArray();
        double fraction = cloudFraction(scene, labelled);
        if (!bothClasses(labelled, fraction)) {
            throw new TrainingException(config.file() + ": scene.labels: " + config.labelsFile() + " labels "
                    + (labelled.length == 0 ? "no pixel (all are fill)" : "all its " + labelled.length + " pixels "
                    + (fraction == 0 ? "clear" : "cloud")) + ": a cloud mask is learnt from both clear and cloud "
                    + "pixels; train on a scene that has both");
        }
    }

    private static void requireBothClasses(SceneData scene, int[] pixels, String part) {
        double fraction = cloudFraction(scene, pixels);
        if (!bothClasses(pixels, fraction)) {
            throw new TrainingException("the " + part + " blocks have " + pixels.length + " labelled pixels with "
                    + "a cloud fraction of " + fraction + ": both clear and cloud are needed (try another split.seed "
                    + "or held_out_fraction)");
        }
    }

    /** A seeded uniform sample without replacement (partial Fisher-Yates), or all pixels if fewer. */
    private static int[] sample(int[] pixels, int count, SplittableRandom random) {
        int[] shuffled = pixels.clone();
        int size = Math.min(count, shuffled.length);
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(shuffled.length - i);
            int swap = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = swap;
        }
        return Arrays.copyOf(shuffled, size);
    }

    private static float[] scaledPixel(SceneData scene, InputScaling scaling, int pixel) {
        float[] values = new float[scaling.bandCount()];
        for (int b = 0; b < values.length; b++) {
            values[b] = scaling.apply(b, scene.raw()[b * scene.pixels() + pixel]);
        }
        return values;
    }

    private static float[][] scaledBands(SceneData scene, InputScaling scaling, int[] pixels) {
        float[][] values = new float[scaling.bandCount()][pixels.length];
        for (int b = 0; b < values.length; b++) {
            for (int i = 0; i < pixels.length; i++) {
                values[b][i] = scaling.apply(b, scene.raw()[b * scene.pixels() + pixels[i]]);
            }
        }
        return values;
    }

    /** Runs the exported model on the given pixels, laid out as one 1-pixel-high tile (the model is per-pixel). */
    private static boolean[] predictCloud(TileModel model, InputScaling scaling, SceneData scene, int[] pixels) {
        int bands = model.bandCount();
        float[] raw = new float[bands * pixels.length];
        for (int b = 0; b < bands; b++) {
            for (int i = 0; i < pixels.length; i++) {
                raw[b * pixels.length + i] = scene.raw()[b * scene.pixels() + pixels[i]];
            }
        }
        float[] probabilities = new float[model.classCount() * pixels.length];
        model.predict(scaling, raw, 1, 1, pixels.length, probabilities);
        boolean[] cloud = new boolean[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            cloud[i] = probabilities[CloudLabels.CLOUD * pixels.length + i]
                    > probabilities[CloudLabels.CLEAR * pixels.length + i];
        }
        return cloud;
    }

    private static boolean[] baselineCloud(ThresholdBaseline baseline, SceneData scene, InputScaling scaling,
                                           int[] pixels) {
        boolean[] cloud = new boolean[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            cloud[i] = baseline.isCloud(scaling.apply(baseline.band(),
                    scene.raw()[baseline.band() * scene.pixels() + pixels[i]]));
        }
        return cloud;
    }

    private static boolean[] isCloud(SceneData scene, int[] pixels) {
        boolean[] cloud = new boolean[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            cloud[i] = scene.labels()[pixels[i]] == CloudLabels.CLOUD;
        }
        return cloud;
    }

    private static boolean bothClasses(int[] pixels, double cloudFraction) {
        return pixels.length > 0 && cloudFraction > 0 && cloudFraction < 1;
    }

    private static double cloudFraction(SceneData scene, int[] pixels) {
        long clouds = 0;
        for (int pixel : pixels) {
            clouds += scene.labels()[pixel] == CloudLabels.CLOUD ? 1 : 0;
        }
        return pixels.length == 0 ? 0 : (double) clouds / pixels.length;
    }
}
