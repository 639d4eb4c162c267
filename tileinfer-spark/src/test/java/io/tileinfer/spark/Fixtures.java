package io.tileinfer.spark;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.Hashing;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.run.BatchExecutor;
import io.tileinfer.core.run.BatchRunner;
import io.tileinfer.core.run.RunListener;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.core.run.Runs;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStores;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Configurations, runs and comparisons shared by the Spark runner's tests. */
final class Fixtures {
    /** The 627 x 603 Landsat 8 COG of the shared data, bands B2..B5 as the test model wants. */
    static final String SCENE = "  - {id: l8, file: %s}".formatted(SharedData.variant("l8_rgbn_cog.tif"));

    private Fixtures() {
    }

    static String yaml(Path registry, String tiling, String store) {
        return yaml(registry, tiling, store, SCENE);
    }

    static String yaml(Path registry, String tiling, String store, String scenes) {
        return """
                model: production
                registry: %s
                output: runs
                tiling: %s
                retries: 1
                %s
                scenes:
                %s
                """.formatted(registry, tiling, store, scenes);
    }

    static RunSummary runOn(Path config, BatchExecutor.Factory executors, RunListener listener) throws IOException {
        return new BatchRunner(ConfigLoader.load(config), new SimpleMeterRegistry(), listener).run(executors);
    }

    static String predictionSha256(RunSummary run) throws IOException {
        return Hashing.sha256(run.runDir().resolve("predictions/l8.tif"));
    }

    /** Every band's pixels of a run's prediction: what must match when run ids (in the metadata) differ. */
    static float[] predictionPixels(RunSummary run) {
        return Runs.predictionPixels(run, "l8");
    }

    /** Rows without what legitimately varies: latency and the time recorded. */
    static List<String> comparableRows(Path config, String runId) {
        try (ResultStore store = ResultStores.open(ConfigLoader.load(config).effectiveStoreUrl())) {
            return store.tiles(runId).stream().map(r -> String.join("|", r.sceneId(), r.tileId(),
                    String.valueOf(r.tileIndex()), r.window().toString(), Arrays.toString(r.bounds()),
                    r.status().name(), String.valueOf(r.error()), String.valueOf(r.cause()),
                    String.valueOf(r.attempts()), r.classFractions().toString(), String.valueOf(r.inputSha256()),
                    r.modelVersion())).toList();
        }
    }

    /** Spark bound to the loopback interface, without its web UI. */
    static JavaSparkContext spark(String master, Map<String, String> settings) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("tileinfer-test")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false");
        settings.forEach(conf::set);
        return new JavaSparkContext(conf);
    }
}
