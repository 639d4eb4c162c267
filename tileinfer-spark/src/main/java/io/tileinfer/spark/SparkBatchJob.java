package io.tileinfer.spark;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.run.BatchRunner;
import io.tileinfer.core.run.LogProgress;
import io.tileinfer.core.run.Manifest;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.model.ModelException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The batch pipeline as a Spark application, with the same configuration as {@code tileinfer batch}:
 * {@code spark-submit --class io.tileinfer.spark.SparkBatchJob tileinfer-spark-job.jar --config FILE [--model M]}.
 * The driver validates and plans the scenes, assembles each raster from the executors' chunks and writes the
 * manifest; the executors run the batches. Exit codes are the CLI's: 0 done, 1 internal error, 2 bad command line
 * or configuration, 3 finished with failed tiles or scenes.
 */
public final class SparkBatchJob {
    private static final Logger LOG = LoggerFactory.getLogger(SparkBatchJob.class);
    private static final String USAGE = "usage: SparkBatchJob --config FILE [--model VERSION|ALIAS]";

    private SparkBatchJob() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Arguments arguments;
        PipelineConfig config;
        try {
            arguments = Arguments.parse(List.of(args));
            config = ConfigLoader.load(arguments.config());
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (arguments.model() != null) {
            config = config.withModel(arguments.model());
        }
        SparkConf conf = new SparkConf().setAppName("tileinfer " + config.file().getFileName());
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            RunSummary summary = new BatchRunner(config, new SimpleMeterRegistry(),
                    new LogProgress(Duration.ofSeconds(30))).run(SparkBatches.on(spark));
            Manifest.Counts counts = summary.counts();
            System.out.printf("run %s: %d tiles done, %d skipped as nodata, %d failed; %d of %d scenes failed%n"
                            + "manifest: %s%n", summary.runId(), counts.done(), counts.skipped(), counts.failed(),
                    counts.scenesFailed(), counts.scenes(), summary.manifest());
            return summary.complete() ? 0 : 3;
        } catch (ModelException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (Exception e) {
            LOG.error("the run failed", e);
            return 1;
        }
    }

    /** The command line: the configuration file and an optional model instead of the configuration's. */
    record Arguments(Path config, String model) {
        static Arguments parse(List<String> args) {
            Path config = null;
            String model = null;
            for (int i = 0; i < args.size(); i++) {
                String name = args.get(i);
                if (i + 1 >= args.size() || !(name.equals("--config") || name.equals("--model"))) {
                    throw new IllegalArgumentException("unexpected argument " + name + "; " + USAGE);
                }
                String value = args.get(++i);
                if (name.equals("--config")) {
                    config = Path.of(value);
                } else {
                    model = value;
                }
            }
            if (config == null) {
                throw new IllegalArgumentException("--config is missing; " + USAGE);
            }
            return new Arguments(config, model);
        }
    }
}
