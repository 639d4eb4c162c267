package io.tileinfer.train;

import java.util.Arrays;
import java.util.List;

/**
 * The trivial baseline a model must beat: one band and one threshold ("cloud where B2 > 0.11"), the pair with
 * the best cloud F1 on the training pixels, over every band, both directions and every distinct value.
 */
record ThresholdBaseline(int band, String bandName, float threshold, boolean cloudAbove) {

    /**
     * @param scaledByBand scaled values of the training pixels, {@code [band][pixel]}
     * @param cloud        the label of each training pixel
     */
    static ThresholdBaseline fit(List<String> bandNames, float[][] scaledByBand, boolean[] cloud) {
        ThresholdBaseline best = null;
        double bestF1 = -1;
        for (int band = 0; band < scaledByBand.length; band++) {
            float[] cloudValues = select(scaledByBand[band], cloud, true);
            float[] clearValues = select(scaledByBand[band], cloud, false);
            Arrays.sort(cloudValues);
            Arrays.sort(clearValues);
            int clouds = cloudValues.length;
            int clears = clearValues.length;
            // Sweep the distinct values t in increasing order, counting values below t and up to t.
            int cloudUpTo = 0;
            int clearUpTo = 0;
            while (cloudUpTo < clouds || clearUpTo < clears) {
                float t = Math.min(cloudUpTo < clouds ? cloudValues[cloudUpTo] : Float.POSITIVE_INFINITY,
                        clearUpTo < clears ? clearValues[clearUpTo] : Float.POSITIVE_INFINITY);
                int cloudBelow = cloudUpTo;
                int clearBelow = clearUpTo;
                while (cloudUpTo < clouds && cloudValues[cloudUpTo] <= t) {
                    cloudUpTo++;
                }
                while (clearUpTo < clears && clearValues[clearUpTo] <= t) {
                    clearUpTo++;
                }
                // cloud where value > t
                double above = f1(clouds - cloudUpTo, clears - clearUpTo, cloudUpTo);
                if (above > bestF1) {
                    bestF1 = above;
                    best = new ThresholdBaseline(band, bandNames.get(band), t, true);
                }
                // cloud where value < t
                double below = f1(cloudBelow, clearBelow, clouds - cloudBelow);
                if (below > bestF1) {
                    bestF1 = below;
                    best = new ThresholdBaseline(band, bandNames.get(band), t, false);
                }
            }
        }
        return best;
    }

    boolean isCloud(float scaledValue) {
        return cloudAbove ? scaledValue > threshold : scaledValue < threshold;
    }

    String rule() {
        return "cloud where scaled " + bandName + (cloudAbove ? " > " : " < ") + threshold;
    }

    private static float[] select(float[] values, boolean[] cloud, boolean wanted) {
        int count = 0;
        for (boolean isCloud : cloud) {
            count += isCloud == wanted ? 1 : 0;
        }
        float[] selected = new float[count];
        int next = 0;
        for (int i = 0; i < values.length; i++) {
            if (cloud[i] == wanted) {
                selected[next++] = values[i];
            }
        }
        return selected;
    }

    private static double f1(long truePositives, long falsePositives, long falseNegatives) {
        return new CloudMetrics(truePositives, falsePositives, falseNegatives, 0).f1();
    }
}
