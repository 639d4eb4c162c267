package io.tileinfer.core.run;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The batch's meters, in whatever Micrometer registry the caller gives (Prometheus for a scraped process, a
 * simple registry for the CLI): per-stage timers and failure counters by cause. Stage totals measured in other
 * processes (Spark executors) are added to the summary, not to the timers.
 */
public final class RunMetrics {
    public static final List<String> STAGES = List.of("read", "infer", "write", "assemble");
    private final MeterRegistry registry;
    private final String modelVersion;
    private final Map<String, Timer> stages = new LinkedHashMap<>();
    private StageTotals elsewhere = StageTotals.NONE;

    public RunMetrics(MeterRegistry registry, String modelVersion) {
        this.registry = registry;
        this.modelVersion = modelVersion;
        for (String stage : STAGES) {
            stages.put(stage, Timer.builder("tileinfer.batch.stage").description("Time spent per pipeline stage")
                    .tag("stage", stage).tag("model_version", modelVersion).register(registry));
        }
    }

    public void record(String stage, long nanos) {
        stages.get(stage).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void tile(String status) {
        Counter.builder("tileinfer.batch.tiles").tag("status", status).tag("model_version", modelVersion)
                .register(registry).increment();
    }

    public void failure(String cause) {
        Counter.builder("tileinfer.batch.failures").description("Failed tiles and scenes by cause")
                .tag("cause", cause).tag("model_version", modelVersion).register(registry).increment();
    }

    /** What this process measured, to be added to another process's summary. */
    public StageTotals totals() {
        Map<String, Long> nanos = new LinkedHashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        stages.forEach((stage, timer) -> {
            nanos.put(stage, (long) timer.totalTime(TimeUnit.NANOSECONDS));
            counts.put(stage, timer.count());
        });
        return new StageTotals(nanos, counts);
    }

    /** Adds stage totals measured by another process. */
    public synchronized void add(StageTotals other) {
        elsewhere = elsewhere.plus(other);
    }

    /** Total milliseconds and count per stage, as this process measured them plus what {@link #add} added. */
    public synchronized Map<String, Map<String, Number>> stageSummary() {
        StageTotals all = totals().plus(elsewhere);
        Map<String, Map<String, Number>> summary = new LinkedHashMap<>();
        for (String stage : STAGES) {
            summary.put(stage, Map.of(
                    "total_ms", Math.round(all.nanos().getOrDefault(stage, 0L) / 1e5) / 10.0,
                    "count", all.counts().getOrDefault(stage, 0L)));
        }
        return summary;
    }
}
