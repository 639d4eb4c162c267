package io.tileinfer.train;

/**
 * Turns a pixel's scaled band values x into the classifier's features: first the standardised bands
 * z = x * scale + offset (scale = 1/sd, offset = -mean/sd over the training sample, kept as float32 because
 * the exported graph computes exactly this), then, for {@link FeatureSet#QUADRATIC}, every product z_i * z_j
 * with i <= j. Standardising keeps SGD well conditioned; folding it into the graph keeps the card's band scaling
 * physical (reflectance, radiance).
 */
final class PixelFeatures {

    private final FeatureSet set;
    private final float[] scale;
    private final float[] offset;
    private final int[] left;
    private final int[] right;

    private PixelFeatures(FeatureSet set, float[] scale, float[] offset) {
        this.set = set;
        this.scale = scale;
        this.offset = offset;
        int bands = scale.length;
        int products = set == FeatureSet.QUADRATIC ? bands * (bands + 1) / 2 : 0;
        this.left = new int[products];
        this.right = new int[products];
        int index = 0;
        for (int i = 0; products > 0 && i < bands; i++) {
            for (int j = i; j < bands; j++) {
                left[index] = i;
                right[index] = j;
                index++;
            }
        }
    }

    /** Fits the standardisation on {@code pixels[n][bands]} (scaled band values). */
    static PixelFeatures fit(FeatureSet set, float[][] pixels) {
        int bands = pixels[0].length;
        float[] scale = new float[bands];
        float[] offset = new float[bands];
        for (int b = 0; b < bands; b++) {
            double sum = 0;
            for (float[] pixel : pixels) {
                sum += pixel[b];
            }
            double mean = sum / pixels.length;
            double squares = 0;
            for (float[] pixel : pixels) {
                squares += (pixel[b] - mean) * (pixel[b] - mean);
            }
            double sd = Math.sqrt(squares / pixels.length);
            if (sd == 0) {
                throw new TrainingException("band " + (b + 1) + " is constant over the training pixels: it "
                        + "cannot help the model, leave it out of scene.bands");
            }
            scale[b] = (float) (1 / sd);
            offset[b] = (float) (-mean / sd);
        }
        return new PixelFeatures(set, scale, offset);
    }

    FeatureSet set() {
        return set;
    }

    int bandCount() {
        return scale.length;
    }

    int featureCount() {
        return scale.length + left.length;
    }

    /** Feature names zero-padded so that Tribuo's feature order (sorted by name) is the index order. */
    String[] names() {
        String[] names = new String[featureCount()];
        for (int i = 0; i < names.length; i++) {
            names[i] = String.format("f%03d", i);
        }
        return names;
    }

    double[] features(float[] scaledPixel) {
        double[] features = new double[featureCount()];
        int bands = scale.length;
        for (int b = 0; b < bands; b++) {
            features[b] = (double) scaledPixel[b] * scale[b] + offset[b];
        }
        for (int p = 0; p < left.length; p++) {
            features[bands + p] = features[left[p]] * features[right[p]];
        }
        return features;
    }

    float[] standardScale() {
        return scale.clone();
    }

    float[] standardOffset() {
        return offset.clone();
    }

    /** For product p: the bands multiplied, {@code z[left[p]] * z[right[p]]}. */
    int[] productLeft() {
        return left.clone();
    }

    int[] productRight() {
        return right.clone();
    }
}
