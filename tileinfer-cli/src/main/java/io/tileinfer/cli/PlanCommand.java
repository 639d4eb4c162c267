package io.tileinfer.cli;

import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.config.SceneSpec;
import io.tileinfer.core.output.ProbabilityChunks;
import io.tileinfer.core.output.SceneScratch;
import io.tileinfer.core.run.BatchRunner;
import io.tileinfer.core.run.OutputDirectory;
import io.tileinfer.core.run.ResumePoint;
import io.tileinfer.core.run.RunDirectory;
import io.tileinfer.core.run.RunSettings;
import io.tileinfer.core.run.ScenePlan;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.scene.SceneInspector;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStores;
import io.tileinfer.core.store.SceneResult;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.core.tile.TileReader;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.model.UnknownModelException;
import io.tileinfer.raster.RasterException;
import io.tileinfer.raster.Window;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code tileinfer plan}: what a run would do, without doing it. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Print what `batch` would do: scenes, tiles, bytes to read, tiles skipped as nodata and "
                + "tiles already finished by an earlier attempt. Runs no model and writes nothing.")
final class PlanCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, description = "The pipeline configuration (YAML).")
    Path config;

    @Option(names = "--no-scan", description = "Do not read the tiles to count those that are all nodata.")
    boolean noScan;

    @Override
    public Integer call() throws IOException {
        PipelineConfig pipeline = ConfigLoader.load(config);
        pipeline.objectStore().apply(); // as batch: the endpoint, region, timeouts and retries of remote reads
        String storeUrl = pipeline.servedStoreUrl();
        ModelVersion model;
        try {
            model = ModelRegistry.open(pipeline.registry()).resolve(pipeline.model());
        } catch (UnknownModelException e) {
            throw ConfigException.unknownModel(pipeline, e);
        }
        model.requireIntact(); // as batch does first: a plan of a run that would be refused is no plan
        RunSettings settings = RunSettings.of(pipeline, model);
        OutputDirectory.requireCreatable(pipeline, pipeline.outputDir().resolve(settings.runId())); // as batch
        BatchRunner.requireLocalHeap(pipeline, settings, model); // as batch: a finished run needs no heap
        System.out.printf("run %s: model %s (%s), tiles of %d px with a %d px halo, batches of %d, %d workers%n",
                settings.runId(), model.id(), pipeline.model(), settings.tileSize(), settings.halo(),
                pipeline.batchSize(), pipeline.workers());
        System.out.printf("stitching: %s%n", settings.describeStitching());
        if (settings.warning() != null) {
            System.out.printf("warning: %s%n", settings.warning());
        }
        System.out.printf("outputs: %s%n", pipeline.outputDir().resolve(settings.runId()));
        RunDirectory dir = new RunDirectory(pipeline.outputDir().resolve(settings.runId()));
        EarlierAttempt earlierAttempt = EarlierAttempt.read(storeUrl, pipeline, settings);
        Set<String> kept = ResumePoint.keptScenes(dir.path(), earlierAttempt.scenes(), pipeline.scenes());
        long totalTiles = 0;
        long totalBytes = 0;
        int failing = 0;
        for (SceneSpec spec : pipeline.scenes()) {
            SceneInspector.Inspection inspection = SceneInspector.inspect(spec, settings.expectations());
            if (!inspection.valid()) {
                failing++;
                System.out.printf("scene %s: fails validation and would be recorded as failed%n", spec.id());
                inspection.issues().forEach(issue -> System.out.printf("  %s%n", issue.message()));
                continue;
            }
            Scene scene = inspection.scene();
            TileGrid grid = settings.grid(scene.width(), scene.height());
            List<Tile> tiles = grid.tiles(scene.id());
            // a scene kept as it was finished is not looked at again, its inputs neither (as batch)
            String changed = kept.contains(scene.id()) ? null : earlierAttempt.inputsChanged(scene, dir);
            Map<String, TileStatus> resumed = changed == null
                    ? earlierAttempt.resumed(scene.id(), tiles, dir, settings.blend()) : Map.of();
            List<Tile> pending = tiles.stream().filter(t -> !ScenePlan.finished(resumed, t)).toList();
            long done = tiles.size() - pending.size();
            long bytes = bytesToRead(scene, pending);
            System.out.printf("scene %s: %dx%d pixels, %d bands (%s), %s%n", scene.id(), scene.width(),
                    scene.height(), scene.bands().size(), scene.bands().getFirst().dataType().stacName(),
                    scene.crs().label());
            System.out.printf("  tiles: %d (%d x %d), %d to compute, %d finished earlier%n", tiles.size(),
                    grid.columns(), grid.rows(), pending.size(), done);
            if (changed != null) {
                System.out.printf("  every tile is computed again: %s%n", changed);
            }
            System.out.printf("  bytes to read: %s (decoded)%n", megabytes(bytes));
            if (settings.blend()) {
                long chunkBytes = tiles.stream().mapToLong(t -> ProbabilityChunks.bytes(t.kept(),
                        model.card().classCount())).sum();
                System.out.printf("  probability chunks: up to %s on disk until the scene is assembled%n",
                        megabytes(chunkBytes));
            }
            if (!noScan) {
                System.out.printf("  tiles skipped as nodata: %s%n", emptyTiles(scene, tiles, settings.tileSize()));
            }
            totalTiles += pending.size();
            totalBytes += bytes;
        }
        System.out.printf("total: %d tiles to compute, %s to read, %d of %d scenes fail validation%n", totalTiles,
                megabytes(totalBytes), failing, pipeline.scenes().size());
        return ExitCodes.OK;
    }

    /** Decoded bytes of the tiles' windows (halo included) that lie inside the scene. */
    private static long bytesToRead(Scene scene, List<Tile> tiles) {
        long bytesPerPixel = scene.bands().stream().mapToLong(b -> b.dataType().bytes()).sum();
        Window all = new Window(0, 0, scene.width(), scene.height());
        return tiles.stream().mapToLong(t -> t.input().intersect(all).pixels()).sum() * bytesPerPixel;
    }

    /** The count, or why there is none: one scene's unreadable tile (a flaky server) does not end the plan. */
    private static String emptyTiles(Scene scene, List<Tile> tiles, int size) {
        try (TileReader reader = new TileReader(scene, size)) {
            return String.valueOf(tiles.stream().filter(t -> reader.read(t).empty()).count());
        } catch (RasterException e) {
            return "not known: " + e.getMessage() + " (batch tries a tile that fails to read again, then records it "
                    + "failed)";
        }
    }

    /** The rows of an earlier attempt of this run; the embedded store is read only if it already exists. */
    private record EarlierAttempt(Map<String, Map<String, TileStatus>> tiles, List<SceneResult> scenes) {

        static EarlierAttempt read(String url, PipelineConfig pipeline, RunSettings settings) {
            Optional<ResultStore> existing = ResultStores.openExisting(url);
            if (existing.isEmpty()) {
                return new EarlierAttempt(Map.of(), List.of());
            }
            Map<String, Map<String, TileStatus>> statuses = new HashMap<>();
            try (ResultStore store = existing.get()) {
                for (SceneSpec spec : pipeline.scenes()) {
                    statuses.put(spec.id(), store.tileStatuses(settings.runId(), spec.id()));
                }
                return new EarlierAttempt(statuses, store.scenes(settings.runId()));
            }
        }

        /** Why the earlier attempt's tiles cannot be kept (its input files changed since), or null. */
        String inputsChanged(Scene scene, RunDirectory dir) {
            return tiles.getOrDefault(scene.id(), Map.of()).isEmpty() ? null
                    : ResumePoint.inputsChanged(dir.inputStamps(scene.id()), scene.locations(),
                    scene.sunElevation());
        }

        /** The finished tiles that a resume of the scene keeps, as batch finds them (ResumePoint). */
        Map<String, TileStatus> resumed(String sceneId, List<Tile> grid, RunDirectory dir, boolean blend)
                throws IOException {
            Map<String, TileStatus> rows = tiles.getOrDefault(sceneId, Map.of());
            if (ResumePoint.assembled(grid, rows, () -> scenes, sceneId, dir.prediction(sceneId)) != null) {
                return rows;
            }
            return ResumePoint.withPixels(grid, rows, blend, SceneScratch.kept(dir.scratch(sceneId)),
                    dir.chunkDir(sceneId));
        }
    }

    private static String megabytes(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }

}
