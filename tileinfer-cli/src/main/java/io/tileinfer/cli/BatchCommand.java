package io.tileinfer.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.run.BatchRunner;
import io.tileinfer.core.run.LogProgress;
import io.tileinfer.core.run.RunListener;
import io.tileinfer.core.run.RunReport;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.core.run.StopRequest;
import io.tileinfer.model.UnknownModelException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code tileinfer batch}: the main job. */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = "Run the model over every scene of a configuration; run it again to resume.")
final class BatchCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, description = "The pipeline configuration (YAML).")
    Path config;

    @Option(names = "--workers", converter = WorkerCount.class,
            description = "Worker threads, 1 to " + PipelineConfig.MAX_WORKERS
                    + " (default: the configuration's, or one per core).")
    Integer workers;

    @Option(names = "--model", description = "Model version or alias, instead of the configuration's.")
    String model;

    @Override
    public Integer call() throws Exception {
        PipelineConfig pipeline = ConfigLoader.load(config);
        if (workers != null) {
            pipeline = pipeline.withWorkers(workers);
        }
        if (model != null) {
            pipeline = pipeline.withModel(model);
        }
        boolean terminal = System.console() != null && System.console().isTerminal();
        RunListener progress = terminal ? new TerminalProgress() : new LogProgress(Duration.ofSeconds(10));
        StopRequest stop = StopRequest.onSignals();
        RunSummary summary;
        try {
            summary = new BatchRunner(pipeline, new SimpleMeterRegistry(), progress, stop).run();
        } catch (StopRequest.Stopped e) {
            System.err.println("tileinfer batch: " + e.getMessage() + "; every finished tile is stored: run the "
                    + "same command again to resume");
            return stop.exitStatus();
        } catch (UnknownModelException e) {
            throw model == null ? ConfigException.unknownModel(pipeline, e) : e; // --model's is the command line's
        }
        RunReport.lines(summary).forEach(System.out::println);
        return summary.complete() ? ExitCodes.OK : ExitCodes.FAILURES;
    }
}
