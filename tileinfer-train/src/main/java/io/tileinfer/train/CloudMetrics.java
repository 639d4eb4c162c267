package io.tileinfer.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** Confusion counts for the cloud class and the scores derived from them (0 where undefined). */
public record CloudMetrics(long truePositives, long falsePositives, long falseNegatives, long trueNegatives) {

    static CloudMetrics count(boolean[] predictedCloud, boolean[] actualCloud) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long tn = 0;
        for (int i = 0; i < predictedCloud.length; i++) {
            if (predictedCloud[i]) {
                if (actualCloud[i]) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (actualCloud[i]) {
                fn++;
            } else {
                tn++;
            }
        }
        return new CloudMetrics(tp, fp, fn, tn);
    }

    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    public double f1() {
        return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    }

    /** Intersection over union of predicted and actual cloud. */
    public double iou() {
        return ratio(truePositives, truePositives + falsePositives + falseNegatives);
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("precision", precision());
        map.put("recall", recall());
        map.put("f1", f1());
        map.put("iou", iou());
        map.put("true_positives", truePositives);
        map.put("false_positives", falsePositives);
        map.put("false_negatives", falseNegatives);
        map.put("true_negatives", trueNegatives);
        return map;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }
}
