package io.tileinfer.core.run;

import io.micrometer.core.instrument.MeterRegistry;
import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.config.SceneSpec;
import io.tileinfer.core.scene.ValidationIssue;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStores;
import io.tileinfer.core.store.RunOutputs;
import io.tileinfer.core.store.RunRecord;
import io.tileinfer.core.store.StoreException;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.model.ModelException;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.raster.FileErrors;
import io.tileinfer.raster.Gdal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The batch runner: every scene of the configuration through the model, with rows in the result store and a
 * manifest per run. This process validates and plans the scenes, assembles their rasters and writes the manifest;
 * the batches run on a pool of worker threads here ({@link #run()}) or on any other {@link BatchExecutor}, such as
 * Spark's executors. Run again with the same configuration, it resumes.
 */
public final class BatchRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);
    private final PipelineConfig config;
    private final MeterRegistry meters;
    private final RunListener listener;
    private final StopRequest stop;

    public BatchRunner(PipelineConfig config, MeterRegistry meters, RunListener listener) {
        this(config, meters, listener, StopRequest.none());
    }

    /** A runner that ends early, resumably, when {@code stop} is requested (see {@link StopRequest}). */
    public BatchRunner(PipelineConfig config, MeterRegistry meters, RunListener listener, StopRequest stop) {
        this.config = config;
        this.meters = meters;
        this.listener = listener;
        this.stop = stop;
    }

    /** Runs the batches on {@code workers} threads of this process, sharing one model session. */
    public RunSummary run() throws IOException {
        return run(LocalBatches.FACTORY);
    }

    /** Runs the batches on the executor that {@code executors} opens once the run's id, model and store are known. */
    public RunSummary run(BatchExecutor.Factory executors) throws IOException {
        Gdal.init();
        String storeUrl = config.servedStoreUrl();
        config.objectStore().apply();
        ModelVersion version = ModelRegistry.open(config.registry()).resolve(config.model());
        version.requireIntact(); // a damaged model is a configuration error (exit 2): found before anything is recorded
        RunSettings settings = RunSettings.of(config, version);
        String runId = settings.runId();
        Path runDir = config.outputDir().resolve(runId);
        // e.g. batches beyond the heap: exit 2 with nothing recorded; but a run that has a manifest may be finished
        // (workers are not part of the run id), and one kept as it was needs no heap: refused only if it has work
        ConfigException refusal = refusal(executors, settings, version);
        if (refusal != null && !Files.exists(runDir.resolve(Manifest.FILE))) {
            throw refusal;
        }
        OutputDirectory.create(config, config.outputDir()); // the default store is a file in it
        // a store that cannot be opened (a malformed URL, a file that is no database, a server down) leaves no run
        ResultStore store = openStore(storeUrl);
        RunLock lock;
        try {
            OutputDirectory.create(config, runDir);
            // before anything is read or recorded: a second process on the same run stops here, at once
            lock = RunLock.acquire(runId, runDir);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        MDC.put("run_id", runId);
        Instant started = Instant.now();
        LOG.info("run {} with model {} ({}) -> {}", runId, version.id(), settings.describeStitching(), runDir);
        if (settings.warning() != null) {
            LOG.warn("{}", settings.warning());
        }
        try (store) {
            Optional<RunRecord> previous = store.run(runId);
            FinishedScenes finished = FinishedScenes.read(runDir, store.scenes(runId));
            Map<String, Manifest.SceneEntry> kept = finished.kept(config.scenes());
            if (finishedAsItIs(previous, kept, config)) {
                return unchanged(previous.get(), runDir, finished.manifest().orElseThrow()); // kept: it has one
            }
            if (refusal != null) {
                throw refusal;
            }
            ConfigAsBegun began = ConfigAsBegun.keep(runDir, config);
            PipelineConfig runConfig = config.withSha256(began.sha256()); // as every file of the run names it
            RunRow row = new RunRow(store, runId, runConfig, version.id(), started);
            row.save(null, "running", null);
            RunMetrics metrics = new RunMetrics(meters, version.id());
            RunContext ctx = new RunContext(runId, runDir, runConfig, version, store, metrics, listener, settings,
                    stop, previous.map(RunRecord::startedAt).orElse(started)); // the first attempt's
            // the heartbeat stops before the catches save the run's end
            try (RunHeartbeat heartbeat = RunHeartbeat.start(store, runId, RunHeartbeat.EVERY)) {
                List<Manifest.SceneEntry> scenes;
                try (BatchExecutor executor = executors.open(ctx);
                     SceneCompletions completions = new SceneCompletions()) {
                    for (SceneSpec spec : config.scenes()) {
                        stop.throwIfRequested();
                        completions.submit(new SceneJob(ctx, spec, kept.get(spec.id())).run(executor));
                    }
                    scenes = completions.entries();
                    ctx.dir().removeEmptyWorkDirs();
                }
                Manifest manifest = manifest(runId, ctx.started(), previous.isPresent() ? started : null, version,
                        began, settings, store, metrics, scenes);
                Path manifestFile = runDir.resolve(Manifest.FILE);
                manifest.write(manifestFile);
                String manifestLocation = RunOutputs.publish(config, runDir, manifest.outputPaths());
                row.save(manifest.finishedAt(), manifest.status(), manifestLocation);
                String uploadedTo = RunOutputs.uploadedTo(config, runDir);
                LOG.info("run {} {}: {} tiles done, {} skipped, {} failed -> {}", runId, manifest.status(),
                        manifest.counts().done(), manifest.counts().skipped(), manifest.counts().failed(),
                        uploadedTo == null ? runDir : uploadedTo);
                return new RunSummary(runId, runDir, manifestFile, uploadedTo, manifest.counts());
            } catch (StopRequest.Stopped e) {
                row.save(Instant.now(), "stopped", null);
                LOG.warn("run {} {}; run the same configuration again to resume", runId, e.getMessage());
                throw e;
            } catch (Exception e) { // Spark's job failures are checked exceptions the compiler does not see
                // e.g. the model's session refused at start, a COG that could not be written, outputs that could
                // not be uploaded: the run is not left "running" in the store, and the same command resumes it
                row.save(Instant.now(), "failed", null);
                LOG.error("run {} failed: {}; run the same configuration again to resume", runId, e.getMessage());
                if (e instanceof ModelException model) { // not "nothing was run" (exit 2): the run is recorded
                    throw new IOException("run " + runId + " failed once started (recorded failed): "
                            + model.getMessage(), model);
                }
                throw e;
            }
        } finally {
            MDC.remove("run_id");
            lock.close(); // the last: the run's files and row are as this process leaves them
        }
    }

    /**
     * A run every scene of which is kept has nothing left to do: its row, its manifest and its outputs stay as the
     * attempt that finished it left them (a rerun of a finished run changes nothing). With an {@code s3://} output
     * the same files are uploaded again (objects removed since come back); an upload that fails now is an I/O
     * failure of this command, not of the run, whose row stays as it was.
     */
    private RunSummary unchanged(RunRecord previous, Path runDir, Manifest manifest) throws IOException {
        config.scenes().forEach(spec -> FinishedScenes.logKept(spec.id()));
        LOG.info("run {} already finished ({}), kept as it was: nothing to do", previous.runId(), previous.status());
        try {
            RunOutputs.publish(config, runDir, manifest.outputPaths());
        } catch (IOException | RuntimeException e) {
            String reason = e instanceof IOException io ? FileErrors.describe(io) : e.getMessage();
            throw new IOException("run " + previous.runId() + " is finished and kept as it was (" + previous.manifest()
                    + "), but uploading its outputs again failed: " + reason, e);
        }
        return new RunSummary(previous.runId(), runDir, runDir.resolve(Manifest.FILE),
                RunOutputs.uploadedTo(config, runDir), manifest.counts());
    }

    /**
     * Refuses, as a local batch would before recording anything, batches beyond this JVM's heap, unless the run is
     * finished as it is ({@link #finishedAsItIs}, which needs no heap): what {@code plan} checks, and with the heap
     * the launchers give both it says what {@code batch} will.
     */
    public static void requireLocalHeap(PipelineConfig config, RunSettings settings, ModelVersion model)
            throws IOException {
        String runId = settings.runId();
        Path runDir = config.outputDir().resolve(runId);
        if (Files.exists(runDir.resolve(Manifest.FILE))) {
            Optional<ResultStore> existing = ResultStores.openExisting(config.servedStoreUrl());
            if (existing.isPresent()) {
                try (ResultStore store = existing.get()) {
                    if (finishedAsItIs(store.run(runId), FinishedScenes.read(runDir, store.scenes(runId))
                            .kept(config.scenes()), config)) {
                        return;
                    }
                }
            }
        }
        LocalBatches.FACTORY.refuse(config, settings, model);
    }

    /**
     * A run with nothing left to do: it succeeded ("succeeded" only once the manifest is written and, with an s3://
     * output, uploaded) and every scene is kept as it was.
     */
    private static boolean finishedAsItIs(Optional<RunRecord> previous, Map<String, Manifest.SceneEntry> kept,
                                          PipelineConfig config) {
        return previous.filter(r -> "succeeded".equals(r.status())).isPresent()
                && kept.size() == config.scenes().size();
    }

    private ConfigException refusal(BatchExecutor.Factory executors, RunSettings settings, ModelVersion version) {
        try {
            executors.refuse(config, settings, version);
            return null;
        } catch (ConfigException e) {
            return e;
        }
    }

    /** The run's row, saved again at each change of status with its end, status and manifest. */
    private record RunRow(ResultStore store, String runId, PipelineConfig config, String modelVersion,
                          Instant started) {
        void save(Instant finished, String status, String manifest) {
            store.saveRun(new RunRecord(runId, config.file().toString(), config.sha256(), modelVersion, started,
                    finished, status, manifest, Instant.now()));
        }
    }

    private ResultStore openStore(String url) {
        try {
            return ResultStores.open(url);
        } catch (StoreException e) {
            throw new StoreException(e.getMessage() + " (from " + config.storeSetting() + ")", e);
        }
    }

    private Manifest manifest(String runId, Instant started, Instant resumed, ModelVersion version,
                              ConfigAsBegun began, RunSettings settings, ResultStore store, RunMetrics metrics,
                              List<Manifest.SceneEntry> scenes) throws IOException {
        // a scene refused at validation on this attempt (say its file is gone since an earlier one) has no tile
        // counts and no output: the rows an earlier attempt stored are not this run's result
        Set<String> refused = scenes.stream().filter(s -> s.tiles() == null).map(Manifest.SceneEntry::id)
                .collect(Collectors.toSet());
        List<TileResult> rows = store.tiles(runId).stream().filter(row -> !refused.contains(row.sceneId())).toList();
        Map<String, Long> failures = new TreeMap<>();
        long done = 0;
        long skipped = 0;
        long failed = 0;
        for (TileResult row : rows) {
            switch (row.status()) {
                case DONE -> done++;
                case SKIPPED -> skipped++;
                case FAILED -> {
                    failed++;
                    failures.merge(row.cause(), 1L, Long::sum);
                }
            }
        }
        long scenesFailed = 0;
        for (Manifest.SceneEntry scene : scenes) {
            if ("FAILED".equals(scene.status())) {
                scenesFailed++;
                for (ValidationIssue issue : scene.issues()) {
                    failures.merge("validation:" + issue.check(), 1L, Long::sum);
                }
            }
        }
        Manifest.Counts counts = new Manifest.Counts(rows.size(), done, skipped, failed, scenes.size(),
                scenesFailed);
        // every file the run made, scene by scene: the prediction COG, its quicklook, its STAC Item
        List<Manifest.FileEntry> outputs = scenes.stream()
                .flatMap(s -> Stream.of(s.output(), s.quicklook(), s.stacItem()))
                .filter(Objects::nonNull).toList();
        String status = failed == 0 && scenesFailed == 0 ? "succeeded" : "finished_with_failures";
        return new Manifest(runId, status, started, Instant.now(), resumed,
                new Manifest.Software(Version.tileinfer(), Version.commit(), Gdal.version(),
                        Runtime.version().toString()),
                new Manifest.Config(config.file().toString(), began.sha256(), began.text()),
                new Manifest.Model(version.id(), version.card().name(), version.onnxSha256(),
                        config.model().equals(version.id()) ? null : config.model()),
                new Manifest.Tiling(settings.tileSize(), settings.halo(), settings.stitch().key(), settings.overlap()),
                counts, failures, metrics.stageSummary(), scenes, outputs);
    }
}
