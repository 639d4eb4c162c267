package io.tileinfer.core.run;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Time spent and events counted per pipeline stage in one process: how a Spark task reports its stages to the
 * driver, whose manifest sums every process's.
 */
public record StageTotals(Map<String, Long> nanos, Map<String, Long> counts) implements Serializable {

    public static final StageTotals NONE = new StageTotals(Map.of(), Map.of());

    public StageTotals plus(StageTotals other) {
        return new StageTotals(sum(nanos, other.nanos), sum(counts, other.counts));
    }

    private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> sum = new TreeMap<>(a);
        b.forEach((stage, value) -> sum.merge(stage, value, Long::sum));
        return sum;
    }
}
