package io.tileinfer.spark;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.UserFailure;
import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.run.BatchRunner;
import io.tileinfer.core.run.LogProgress;
import io.tileinfer.core.run.RunReport;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.core.run.StopRequest;
import io.tileinfer.core.run.Version;
import io.tileinfer.model.UnknownModelException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The batch pipeline as a Spark application, with the same configuration as {@code tileinfer batch}:
 * {@code spark-submit --class io.tileinfer.spark.SparkBatchJob tileinfer-spark-job.jar --config FILE [--model M]}.
 * The driver validates and plans the scenes, assembles each raster from the executors' chunks and writes the
 * manifest; the executors run the batches. Exit codes are the CLI's: 0 done, 1 internal error, 2 bad command line
 * or configuration, 3 finished with failed tiles or scenes.
 */
@Command(name = "SparkBatchJob", mixinStandardHelpOptions = true, versionProvider = SparkBatchJob.VersionLine.class,
        description = "Run the batch of a tileinfer configuration on Spark; run it again to resume.")
public final class SparkBatchJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SparkBatchJob.class);

    @Option(names = {"-c", "--config"}, required = true, description = "The pipeline configuration (YAML).")
    Path config;

    @Option(names = "--model", description = "Model version or alias, instead of the configuration's.")
    String model;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Bad options exit with 2, picocli's usage code, which is also the CLI's code for a bad configuration. */
    static int run(String[] args) {
        return new CommandLine(new SparkBatchJob()).execute(args);
    }

    @Override
    public Integer call() {
        PipelineConfig pipeline;
        try {
            pipeline = ConfigLoader.load(config);
        } catch (ConfigException e) {
            return said(e);
        }
        if (model != null) {
            pipeline = pipeline.withModel(model);
        }
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.app.name")) { // spark-submit --name (the Airflow DAG's per scene) wins
            conf.setAppName("tileinfer " + pipeline.file().getFileName());
        }
        StopRequest stop = null;
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            // after the context, so that these handlers replace any it installed: SIGTERM (a cluster manager or
            // Airflow ending the driver) cancels the jobs and the run is recorded stopped, not failed
            stop = StopRequest.onSignals(() -> {
                LOG.warn("stop requested: cancelling the Spark jobs, whose tasks commit the batches in flight; "
                        + "a second signal stops at once");
                spark.sc().cancelJobGroupAndFutureJobs(SparkBatches.JOB_GROUP, "tileinfer: stop requested");
            });
            RunSummary summary = new BatchRunner(pipeline, new SimpleMeterRegistry(),
                    new LogProgress(Duration.ofSeconds(30)), stop).run(SparkBatches.on(spark));
            RunReport.lines(summary).forEach(System.out::println); // the words of tileinfer batch
            return summary.complete() ? ExitCodes.OK : ExitCodes.FAILURES;
        } catch (StopRequest.Stopped e) {
            System.err.println("tileinfer: " + e.getMessage() + "; every finished tile is stored: run the same "
                    + "command again to resume");
            return stop.exitStatus();
        } catch (UnknownModelException e) {
            return said(model == null ? ConfigException.unknownModel(pipeline, e) : e);
        } catch (Exception e) { // a Spark job that failed, or a bug: Spark's log has the executors' side
            if (UserFailure.of(e).isPresent()) {
                return said(e);
            }
            LOG.error("the run failed", e);
            System.err.println("tileinfer: the run failed: " + (e.getMessage() == null ? e.toString()
                    : e.getMessage().lines().findFirst().orElse("")));
            return ExitCodes.INTERNAL;
        }
    }

    /** As the CLI says a failure the user can act on: one line, and its exit code. */
    private static int said(Exception e) {
        UserFailure failure = UserFailure.of(e).orElseThrow();
        System.err.println("tileinfer: " + failure.line());
        return failure.exitCode();
    }

    /** {@code --version}: the words of {@code tileinfer --version}. */
    static final class VersionLine implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"tileinfer " + Version.tileinfer() + " (" + Version.commit() + ")"};
        }
    }
}
