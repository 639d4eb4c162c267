package io.tileinfer.train;

import io.tileinfer.model.ClassSpec;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.List;
import java.util.Map;

/**
 * The Tribuo model behind the exported graph: multinomial logistic regression (LinearSGDTrainer, LogMulticlass,
 * AdaGrad) over {@link PixelFeatures}. Kept so that tests can compare ONNX Runtime's output with Tribuo's own
 * predictions on the same pixels.
 */
public final class PixelClassifier {

    static final double ADAGRAD_EPSILON = 0.1;
    private static final int MINIBATCH = 1;

    private final LinearSGDModel model;
    private final PixelFeatures features;
    private final List<ClassSpec> classes;
    private final String[] featureNames;

    private PixelClassifier(LinearSGDModel model, PixelFeatures features, List<ClassSpec> classes) {
        this.model = model;
        this.features = features;
        this.classes = classes;
        this.featureNames = features.names();
    }

    /**
     * @param pixels scaled band values of the training pixels, {@code [n][bands]}
     * @param labels {@link CloudLabels#CLEAR} or {@link CloudLabels#CLOUD} per pixel; index = class in {@code classes}
     */
    static PixelClassifier train(PixelFeatures features, List<ClassSpec> classes, float[][] pixels, byte[] labels,
                                 int epochs, double learningRate, long seed) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> dataset = new MutableDataset<>(
                new SimpleDataSourceProvenance("labelled Landsat 8 pixels", factory), factory);
        String[] names = features.names();
        for (int i = 0; i < pixels.length; i++) {
            dataset.add(new ArrayExample<>(new Label(classes.get(labels[i]).name()), names,
                    features.features(pixels[i])));
        }
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(),
                new AdaGrad(learningRate, ADAGRAD_EPSILON), epochs, Integer.MAX_VALUE, MINIBATCH, seed);
        return new PixelClassifier(trainer.train(dataset), features, classes);
    }

    /** Tribuo's class probabilities for one pixel's scaled band values, in the card's class order. */
    public double[] probabilities(float[] scaledPixel) {
        Example<Label> example = new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, featureNames,
                features.features(scaledPixel));
        Prediction<Label> prediction = model.predict(example);
        Map<String, Label> scores = prediction.getOutputScores();
        double[] probabilities = new double[classes.size()];
        for (int k = 0; k < probabilities.length; k++) {
            probabilities[k] = scores.get(classes.get(k).name()).getScore();
        }
        return probabilities;
    }

    PixelFeatures features() {
        return features;
    }

    /**
     * The weights as {@code [class][feature]} in card class order and feature index order, plus the bias in the
     * last column. Tribuo orders its rows by output id and its columns by feature id (sorted names), with the
     * bias after the last feature; this undoes both orders.
     */
    double[][] weightsWithBias() {
        DenseMatrix weights = model.getWeightsCopy();
        ImmutableFeatureMap featureIds = model.getFeatureIDMap();
        int featureCount = featureNames.length;
        if (featureIds.size() != featureCount) {
            throw new TrainingException("Tribuo saw " + featureIds.size() + " of " + featureCount + " features: "
                    + "a feature that is zero for every training pixel cannot be exported");
        }
        double[][] result = new double[classes.size()][featureCount + 1];
        for (int k = 0; k < classes.size(); k++) {
            int row = model.getOutputIDInfo().getID(new Label(classes.get(k).name()));
            for (int f = 0; f < featureCount; f++) {
                result[k][f] = weights.get(row, featureIds.getID(featureNames[f]));
            }
            result[k][featureCount] = weights.get(row, featureCount);
        }
        return result;
    }
}
