package io.tileinfer.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the model and the single-band baseline do on the held-out blocks, and the model on its training blocks
 * (a large gap would mean over-fitting). A pixel is predicted cloud when cloud is its most probable class.
 */
public record Evaluation(CloudMetrics model, CloudMetrics baseline, String baselineRule,
                         CloudMetrics modelOnTrainingBlocks, int heldOutBlocks, int blocks, int blockSize,
                         long heldOutPixels, double heldOutCloudFraction) {

    Map<String, Object> toCardMetrics() {
        Map<String, Object> heldOut = new LinkedHashMap<>();
        heldOut.put("blocks", heldOutBlocks);
        heldOut.put("blocks_total", blocks);
        heldOut.put("block_size", blockSize);
        heldOut.put("pixels", heldOutPixels);
        heldOut.put("cloud_fraction", heldOutCloudFraction);
        Map<String, Object> baselineMetrics = new LinkedHashMap<>(baseline.toMap());
        baselineMetrics.put("rule", baselineRule);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("evaluation", "cloud class on held-out blocks (a seeded selection of " + blockSize + "x"
                + blockSize + "-pixel blocks, never trained on); label: BQA cloud confidence medium or high, "
                + "fill excluded; prediction: the most probable class");
        metrics.put("held_out", heldOut);
        metrics.put("model", model.toMap());
        metrics.put("baseline", baselineMetrics);
        metrics.put("model_on_training_blocks", modelOnTrainingBlocks.toMap());
        return metrics;
    }
}
