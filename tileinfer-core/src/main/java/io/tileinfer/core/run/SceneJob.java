package io.tileinfer.core.run;

import io.tileinfer.core.Hashing;
import io.tileinfer.core.config.Locations;
import io.tileinfer.core.config.SceneSpec;
import io.tileinfer.core.output.BlendedScene;
import io.tileinfer.core.output.ChunkDirectory;
import io.tileinfer.core.output.PredictionBands;
import io.tileinfer.core.output.PredictionChunks;
import io.tileinfer.core.output.PredictionItem;
import io.tileinfer.core.output.ProbabilityChunks;
import io.tileinfer.core.output.Quicklook;
import io.tileinfer.core.output.SceneScratch;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.scene.SceneInspector;
import io.tileinfer.core.scene.ValidationIssue;
import io.tileinfer.core.store.SceneResult;
import io.tileinfer.core.store.SceneStatus;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.raster.FileErrors;
import io.tileinfer.raster.Gdal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;

/**
 * One scene of a run, in the process that drives it: validate, tile, hand the pending batches to the executor,
 * make the prediction raster from the scene's scratch raster (and the chunks of tiles computed elsewhere).
 */
final class SceneJob {
    private static final Logger LOG = LoggerFactory.getLogger(SceneJob.class);
    private final RunContext ctx;
    private final SceneSpec spec;
    private final Manifest.SceneEntry kept;

    /** {@code kept}: the scene's entry when an earlier attempt finished it and it is kept (see FinishedScenes). */
    SceneJob(RunContext ctx, SceneSpec spec, Manifest.SceneEntry kept) {
        this.ctx = ctx;
        this.spec = spec;
        this.kept = kept;
    }

    /**
     * Validates the scene and runs its pending tiles. Returns what is left once they are done (the prediction raster,
     * its quicklook, the scene's row: {@link SceneCompletions} does it while the next scene's tiles run), or the
     * scene's entry as it is when nothing is left.
     */
    Callable<Manifest.SceneEntry> run(BatchExecutor executor) throws IOException {
        MDC.put("run_id", ctx.runId());
        MDC.put("scene_id", spec.id());
        try {
            if (kept != null) { // not inspected again: an input unreadable now does not undo a finished scene
                FinishedScenes.logKept(spec.id());
                int tiles = kept.tiles() == null ? 0 : (int) kept.tiles().tiles();
                ctx.listener().sceneStarted(spec.id(), tiles, tiles);
                ctx.listener().sceneFinished(spec.id());
                return () -> kept;
            }
            SceneInspector.Inspection inspection = SceneInspector.inspect(spec, ctx.settings().expectations());
            if (!inspection.valid()) {
                Manifest.SceneEntry rejected = rejected(inspection.issues());
                return () -> rejected;
            }
            return process(inspection.scene(), inspection.stacItemSha256(), executor);
        } finally {
            MDC.remove("scene_id");
        }
    }

    private Manifest.SceneEntry rejected(List<ValidationIssue> issues) {
        return rejected(issues, 0);
    }

    /** {@code tiles}: 0 for a scene refused before it was tiled. */
    private Manifest.SceneEntry rejected(List<ValidationIssue> issues, int tiles) {
        for (ValidationIssue issue : issues) {
            LOG.error("scene {} failed validation: {}", spec.id(), issue.message());
            ctx.metrics().failure("validation:" + issue.check());
        }
        List<String> messages = issues.stream().map(ValidationIssue::message).toList();
        ctx.store().saveScene(new SceneResult(ctx.runId(), spec.id(), SceneStatus.FAILED,
                String.join("\n", messages), tiles, null, null));
        return new Manifest.SceneEntry(spec.id(), SceneStatus.FAILED.name(), issues, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
    }

    /** @param itemSha256 the SHA-256 of a STAC scene's item as validation read it, for the manifest */
    private Callable<Manifest.SceneEntry> process(Scene scene, String itemSha256, BatchExecutor executor)
            throws IOException {
        TileGrid grid = ctx.settings().grid(scene.width(), scene.height());
        List<Tile> tiles = grid.tiles(scene.id());
        InputStamps stamps = InputStamps.of(scene.locations(), scene.sunElevation());
        Map<String, TileStatus> before = earlierUnlessInputsChanged(scene, stamps);
        // The inputs' SHA-256 for the manifest is read in the background, while the tiles run; the stamps keep it
        FutureTask<List<Manifest.FileEntry>> hashes = new FutureTask<>(() -> hashInputs(scene, itemSha256, stamps));
        Thread.ofVirtual().name("tileinfer-input-hash").start(hashes);

        Path output = ctx.dir().prediction(scene.id());
        String assembledSha256 = ResumePoint.assembled(tiles, before, () -> ctx.store().scenes(ctx.runId()),
                scene.id(), output);
        if (assembledSha256 != null) {
            Manifest.FileEntry assembled = new Manifest.FileEntry(relative(output), assembledSha256);
            ctx.listener().sceneStarted(scene.id(), tiles.size(), tiles.size());
            // killed after the scene's row said DONE, before its work files were removed: every pixel is in the raster
            SceneScratch.remove(ctx.dir().scratch(scene.id()));
            new ChunkDirectory(ctx.dir().chunkDir(scene.id())).deleteAll();
            // Killed between the raster and the files derived from it, or one of them changed since (FinishedScenes
            // said why the scene is done again): both are written again from the raster, whatever is there now.
            Manifest.FileEntry quicklook = writeQuicklook(scene, output, renderBackground(scene));
            Manifest.FileEntry item = writeItem(scene, output, assembled, quicklook);
            ctx.listener().sceneFinished(scene.id());
            Manifest.SceneEntry entry = entry(scene, SceneStatus.DONE, counts(tiles, before), await(hashes),
                    assembled, quicklook, item);
            return () -> entry;
        }
        Path chunkDir = ctx.dir().chunkDir(scene.id());
        PredictionChunks chunks = new PredictionChunks(chunkDir);
        ProbabilityChunks probabilities = new ProbabilityChunks(chunkDir);
        SceneScratch scratch = SceneScratch.open(ctx.dir().scratch(scene.id()), scene, SceneScratch.blockSize(grid),
                outputBands().names(), outputMetadata(scene));
        try {
            Map<String, TileStatus> kept = ResumePoint.withPixels(tiles, before, ctx.settings().blend(),
                    !scratch.created(), chunkDir);
            if (kept.size() < before.size()) {
                LOG.warn("scene {}: {} finished tiles have no pixels left (no scratch raster, no chunk): computed "
                        + "again", scene.id(), before.size() - kept.size());
            }
            int finishedBefore = (int) tiles.stream().filter(t -> ScenePlan.finished(kept, t)).count();
            ctx.listener().sceneStarted(scene.id(), tiles.size(), finishedBefore);
            executor.run(new ScenePlan(scene, ScenePlan.pending(tiles, ctx.config().batchSize(), kept)),
                    ctx.settings().blend() ? probabilities : scratch);
            ctx.listener().sceneFinished(scene.id());
        } catch (RuntimeException | Error e) { // e.g. stopped: the scratch raster is synced for the resume
            closeAfter(scratch, e);
            throw e;
        }
        return () -> {
            MDC.put("run_id", ctx.runId());
            MDC.put("scene_id", scene.id());
            try (scratch) {
                return finish(scene, grid, tiles, scratch, chunks, probabilities, await(hashes));
            } finally {
                MDC.remove("scene_id");
                MDC.remove("run_id");
            }
        };
    }

    /**
     * The tile statuses an earlier attempt left, unless the scene's files changed since it computed them, or there is
     * no record of them ({@link ResumePoint#inputsChanged}): then the scene's scratch raster, chunks and tile rows are
     * removed, in that order, so that every tile is computed again from the files as they are now, also by a resume
     * of a resume killed meanwhile. Records the files' {@code stamps} before the scene's first tile.
     */
    private Map<String, TileStatus> earlierUnlessInputsChanged(Scene scene, InputStamps stamps) throws IOException {
        Map<String, TileStatus> before = ctx.store().tileStatuses(ctx.runId(), scene.id());
        Path record = ctx.dir().inputStamps(scene.id());
        String changed = before.isEmpty() ? null : ResumePoint.inputsChanged(record, stamps);
        if (changed != null) {
            LOG.warn("scene {}: {}: the {} tiles it left are computed again",
                    scene.id(), changed, before.size());
            SceneScratch.remove(ctx.dir().scratch(scene.id()));
            new ChunkDirectory(ctx.dir().chunkDir(scene.id())).deleteAll();
            ctx.store().deleteTiles(ctx.runId(), scene.id()); // last: until then, the next attempt sees the change
            before = Map.of();
        }
        stamps.write(record);
        return before;
    }

    /** The inputs' SHA-256 for the manifest, kept with their stamps too (a touched file is then seen unchanged). */
    private List<Manifest.FileEntry> hashInputs(Scene scene, String itemSha256, InputStamps stamps)
            throws IOException {
        List<Manifest.FileEntry> inputs = inputHashes(scene, itemSha256);
        Map<String, String> sha256s = new HashMap<>();
        inputs.stream().filter(input -> input.sha256() != null)
                .forEach(input -> sha256s.put(input.path(), input.sha256()));
        stamps.withHashes(sha256s).write(ctx.dir().inputStamps(scene.id()));
        return inputs;
    }

    private static void closeAfter(SceneScratch scratch, Throwable failure) {
        try {
            scratch.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private Manifest.SceneEntry finish(Scene scene, TileGrid grid, List<Tile> tiles, SceneScratch scratch,
                                       PredictionChunks chunks, ProbabilityChunks probabilities,
                                       List<Manifest.FileEntry> inputs) throws IOException {
        Map<String, TileStatus> after = ctx.store().tileStatuses(ctx.runId(), scene.id());
        Manifest.Counts counts = counts(tiles, after);
        if (counts.done() == 0 && counts.failed() == 0) {
            scratch.delete();
            ValidationIssue empty = new ValidationIssue(spec.describe(), "nodata", "only nodata pixels",
                    "a scene with valid pixels");
            rejected(List.of(empty), tiles.size());
            // refused once tiled: its counts (all skipped) are this attempt's, unlike a scene refused at validation
            return entry(scene, SceneStatus.FAILED, List.of(empty), counts, inputs, null, null, null);
        }
        if (counts.done() + counts.skipped() == 0) {
            String error = "all " + counts.failed() + " tiles failed";
            ctx.store().saveScene(new SceneResult(ctx.runId(), scene.id(), SceneStatus.FAILED, error, tiles.size(),
                    null, null));
            LOG.error("scene {} FAILED: {}", scene.id(), error);
            return entry(scene, SceneStatus.FAILED, counts, inputs, null, null, null);
        }
        long start = System.nanoTime();
        Set<String> predicted = after.entrySet().stream().filter(e -> e.getValue() == TileStatus.DONE)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        Path output = ctx.dir().prediction(scene.id());
        FutureTask<Quicklook.Background> background = renderBackground(scene);
        if (ctx.settings().blend()) {
            scratch.assemble(new BlendedScene(grid, tiles, predicted, probabilities, ctx.model().card().classCount(),
                    ctx.config().probabilities()), output, ctx.config().workers());
        } else {
            scratch.assemble(tiles, predicted, chunks, output, ctx.config().workers());
        }
        ctx.metrics().record("assemble", System.nanoTime() - start);
        Manifest.FileEntry raster = fileEntry(output);
        Manifest.FileEntry quicklook = writeQuicklook(scene, output, background);
        Manifest.FileEntry item = writeItem(scene, output, raster, quicklook);
        SceneStatus status = counts.failed() == 0 ? SceneStatus.DONE : SceneStatus.PARTIAL;
        ctx.store().saveScene(new SceneResult(ctx.runId(), scene.id(), status, null, tiles.size(),
                output.toString(), raster.sha256()));
        if (status == SceneStatus.DONE) {
            // every pixel is in the raster now; a partial scene keeps them for a resume to add the failed tiles
            scratch.delete();
            new ChunkDirectory(ctx.dir().chunkDir(scene.id())).deleteAll();
        }
        LOG.info("scene {} {}: {} done, {} skipped, {} failed -> {}", scene.id(), status, counts.done(),
                counts.skipped(), counts.failed(), output);
        return entry(scene, status, counts, inputs, raster, quicklook, item);
    }

    /**
     * The picture for people who never open the page. It is derived from the raster, not part of it: a failure is
     * logged, the scene goes on, and the manifest lists no quicklook (null). A quicklook left by an earlier attempt
     * is removed then, as it would not show this raster.
     */
    private Manifest.FileEntry writeQuicklook(Scene scene, Path output, FutureTask<Quicklook.Background> background) {
        Path file = Quicklook.fileFor(output);
        try {
            Quicklook.write(output, await(background), ctx.model().card().classes(),
                    scene.id() + " \u00b7 " + ctx.model().id());
            return fileEntry(file);
        } catch (IOException | RuntimeException e) {
            return notWritten(scene, file, "quicklook", e);
        }
    }

    /**
     * The raster's STAC Item, for catalogues. Derived from the raster like the quicklook, and handled alike: a failure
     * (no acquisition time, a CRS GDAL cannot take to longitude and latitude...) is logged and the manifest lists no
     * item.
     */
    private Manifest.FileEntry writeItem(Scene scene, Path output, Manifest.FileEntry raster,
                                         Manifest.FileEntry quicklook) {
        Path file = PredictionItem.fileFor(output);
        try {
            PredictionItem.Run run = new PredictionItem.Run(ctx.runId(), ctx.model().id(), ctx.config().sha256(),
                    ctx.started(), Map.of("tileinfer", Version.tileinfer(), "GDAL", Gdal.version()));
            new PredictionItem(scene, run, outputBands(), itemFile(raster), itemFile(quicklook), spec.stacItem())
                    .write();
            return fileEntry(file);
        } catch (IOException | RuntimeException e) {
            return notWritten(scene, file, "STAC item", e);
        }
    }

    private PredictionItem.ItemFile itemFile(Manifest.FileEntry entry) {
        return entry == null ? null : new PredictionItem.ItemFile(ctx.runDir().resolve(entry.path()), entry.sha256());
    }

    /** Logs why a file derived from the raster is missing and removes an earlier attempt's, which would not fit. */
    private static Manifest.FileEntry notWritten(Scene scene, Path file, String what, Exception cause) {
        LOG.warn("scene {}: cannot write the {} {}: {}", scene.id(), what, file, cause.toString());
        try {
            Files.deleteIfExists(file);
        } catch (IOException stale) {
            LOG.warn("scene {}: cannot remove the earlier {} {}: {}", scene.id(), what, file, stale.toString());
        }
        return null;
    }

    /**
     * The quicklook's imagery, rendered in the background: it reads the inputs alone (their overviews, when they
     * have some), so it runs while GDAL writes the COG rather than after it (docs/benchmarks.md).
     */
    private FutureTask<Quicklook.Background> renderBackground(Scene scene) {
        List<Quicklook.ImageryBand> bands = scene.bands().stream()
                .map(b -> new Quicklook.ImageryBand(b.location(), b.index(), b.nodata())).toList();
        List<Quicklook.ImageryBand> shown = Quicklook.displayBands(ctx.model().card().bands(), bands);
        FutureTask<Quicklook.Background> task = new FutureTask<>(
                () -> Quicklook.Background.render(shown, scene.width(), scene.height()));
        // a platform thread: GDAL keeps its error state per OS thread, which a virtual thread may change between calls
        Thread.ofPlatform().name("tileinfer-quicklook").daemon(true).start(task);
        return task;
    }

    /** A file of the run directory as the manifest lists it: its path relative to the run directory, its SHA-256. */
    private Manifest.FileEntry fileEntry(Path file) throws IOException {
        return new Manifest.FileEntry(relative(file), Hashing.sha256(file));
    }

    private String relative(Path file) {
        return ctx.runDir().relativize(file).toString();
    }

    private Manifest.SceneEntry entry(Scene scene, SceneStatus status, Manifest.Counts counts,
                                      List<Manifest.FileEntry> inputs, Manifest.FileEntry output,
                                      Manifest.FileEntry quicklook, Manifest.FileEntry item) {
        return entry(scene, status, List.of(), counts, inputs, output, quicklook, item);
    }

    private Manifest.SceneEntry entry(Scene scene, SceneStatus status, List<ValidationIssue> issues,
                                      Manifest.Counts counts, List<Manifest.FileEntry> inputs,
                                      Manifest.FileEntry output, Manifest.FileEntry quicklook,
                                      Manifest.FileEntry item) {
        List<Manifest.BandEntry> bands = scene.bands().stream()
                .map(b -> new Manifest.BandEntry(b.name(), b.location(), b.index(), b.nodata())).toList();
        return new Manifest.SceneEntry(scene.id(), status.name(), issues, scene.acquired(), scene.acquiredUntil(),
                scene.sunElevation(), scene.sun() == null ? null : scene.sun().source(), scene.width(), scene.height(),
                scene.crs().label(), counts, inputs, bands, output, quicklook, item);
    }

    private static Manifest.Counts counts(List<Tile> tiles, Map<String, TileStatus> statuses) {
        long done = 0;
        long skipped = 0;
        long failed = 0;
        for (Tile tile : tiles) {
            TileStatus status = statuses.get(tile.id());
            if (status == TileStatus.DONE) {
                done++;
            } else if (status == TileStatus.SKIPPED) {
                skipped++;
            } else {
                failed++;
            }
        }
        return new Manifest.Counts(tiles.size(), done, skipped, failed, 1, 0);
    }

    /** The result of a background task, with its IOException or RuntimeException as thrown. */
    private static <T> T await(FutureTask<T> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a background task", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private List<Manifest.FileEntry> inputHashes(Scene scene, String itemSha256) {
        List<Manifest.FileEntry> inputs = new ArrayList<>();
        for (String location : scene.locations()) {
            // Hashing a remote raster would download it whole: remote rasters are recorded without a hash.
            inputs.add(new Manifest.FileEntry(location, Locations.isLocal(location) ? sha256(location) : null));
        }
        if (spec.stacItem() != null) { // it chose the files, its time (and range) are in the outputs: an input too
            inputs.add(new Manifest.FileEntry(spec.stacItem(), itemSha256)); // the bytes validation read, local or not
        }
        return inputs;
    }

    /**
     * Null, said in the log, for a file gone or unreadable since validation: its tiles fail as read errors, and a
     * run whose input vanished goes on to its other scenes rather than end on the manifest's hash.
     */
    private String sha256(String location) {
        try {
            return Hashing.sha256(Path.of(location));
        } catch (IOException e) {
            LOG.warn("scene {}: input {} could not be hashed for the manifest ({}): recorded without its SHA-256",
                    spec.id(), location, FileErrors.describe(e));
            return null;
        }
    }

    private PredictionBands outputBands() {
        return new PredictionBands(ctx.model().card().classes(), ctx.config().probabilities());
    }

    private Map<String, String> outputMetadata(Scene scene) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("TILEINFER_MODEL_VERSION", ctx.model().id());
        metadata.put("TILEINFER_RUN_ID", ctx.runId());
        metadata.put("TILEINFER_CONFIG_SHA256", ctx.config().sha256());
        metadata.put("TILEINFER_SCENE_ID", scene.id());
        metadata.put("TILEINFER_CLASSES", ctx.model().card().classes().stream()
                .map(c -> c.value() + "=" + c.name()).collect(Collectors.joining(",")));
        if (scene.acquired() != null) {
            metadata.put("ACQUISITION_DATETIME", scene.acquired().toString());
        }
        if (scene.acquiredUntil() != null) {
            metadata.put("ACQUISITION_END_DATETIME", scene.acquiredUntil().toString());
        }
        return metadata;
    }

}
