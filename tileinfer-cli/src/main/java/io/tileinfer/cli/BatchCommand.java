package io.tileinfer.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.run.BatchRunner;
import io.tileinfer.core.run.LogProgress;
import io.tileinfer.core.run.Manifest;
import io.tileinfer.core.run.RunListener;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.core.run.StopRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        }
        Manifest manifest = Manifest.read(summary.manifest());
        Manifest.Counts counts = summary.counts();
        System.out.printf("run %s %s: %d tiles done, %d skipped as nodata, %d failed; %d of %d scenes failed%n",
                summary.runId(), manifest.status(), counts.done(), counts.skipped(), counts.failed(),
                counts.scenesFailed(), counts.scenes());
        for (Manifest.SceneEntry scene : manifest.scenes()) {
            if (scene.output() != null) {
                Path raster = summary.runDir().resolve(scene.output().path());
                System.out.printf("  %s: %s%s%n", scene.id(), raster, besides(scene));
            } else {
                System.out.printf("  %s: FAILED%s%n", scene.id(), scene.tiles() == null ? ""
                        : " (all " + scene.tiles().failed() + " tiles failed; see the manifest's rows)");
                scene.issues().forEach(issue -> System.out.printf("    %s%n", issue));
            }
        }
        System.out.printf("manifest: %s%n", summary.manifest()); // the local file (the Airflow DAG reads this line)
        if (!summary.published().equals(summary.runDir().toString())) {
            System.out.printf("uploaded to: %s/ (the files the manifest lists, and the manifest)%n",
                    summary.published());
        }
        return summary.complete() ? ExitCodes.OK : ExitCodes.FAILURES;
    }

    /** The files written beside a scene's raster, by name: " (quicklook: X, STAC item: Y)", or "" when none. */
    private static String besides(Manifest.SceneEntry scene) {
        List<String> files = new ArrayList<>();
        if (scene.quicklook() != null) {
            files.add("quicklook: " + Path.of(scene.quicklook().path()).getFileName());
        }
        if (scene.stacItem() != null) {
            files.add("STAC item: " + Path.of(scene.stacItem().path()).getFileName());
        }
        return files.isEmpty() ? "" : " (" + String.join(", ", files) + ")";
    }
}
