package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.RunPage;
import io.tileinfer.core.store.RunRecord;
import io.tileinfer.core.store.SceneResult;
import io.tileinfer.core.store.TileCounts;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.raster.Footprint;
import io.tileinfer.raster.GeoTransform;
import io.tileinfer.raster.RasterException;
import io.tileinfer.raster.RasterInfo;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON of the web page: runs with their counts and manifest, a scene's tile grid as GeoJSON, the registry's
 * models. Reads only. Geometry stays in the scene's own CRS (the page's map is in that CRS, see app.js), so the
 * tiles and the pictures line up exactly without any reprojection; longitude and latitude (through GDAL's OSR)
 * come along for people: the footprint (the STAC Item's), the scene's centre and each tile's.
 */
final class WebPageData {
    private static final Logger LOG = LoggerFactory.getLogger(WebPageData.class);

    /** A scene of a run whose prediction raster is a local file: what the map and the pictures need. */
    record SceneRef(RunRecord run, SceneResult scene, Path output) {
    }

    /** Failed tiles listed in a run's JSON; a run where everything failed need not send every row. */
    static final int MAX_FAILURES = 1000;

    private final PageStore stores;
    private final String served;
    private final Path registry;

    /** @param served the model version this server serves: an alias promoted since it started names another */
    WebPageData(PageStore stores, Path registry, String served) {
        this.served = served;
        this.stores = stores;
        this.registry = registry;
    }

    /** A page of runs, newest first, and {@code next}: the cursor of the page of older runs, null on the last. */
    Map<String, Object> runs(RunsQuery query) {
        ResultStore store = stores.current();
        RunPage page = store == null ? new RunPage(List.of(), null) : store.runs(query.limit(), query.before());
        // the counts of the whole page in one query, not one a run
        Map<String, TileCounts> counts = store == null ? Map.of()
                : store.tileCounts(page.runs().stream().map(RunRecord::runId).toList());
        List<Map<String, Object>> runs = new ArrayList<>();
        for (RunRecord run : page.runs()) {
            runs.add(summary(run, counts.get(run.runId())));
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("store", store != null);
        reply.put("runs", runs);
        reply.put("next", page.next() == null ? null : RunCursorToken.encode(page.next()));
        return reply;
    }

    Map<String, Object> run(String runId) {
        RunRecord run = requireRun(runId);
        List<Map<String, Object>> scenes = new ArrayList<>();
        for (SceneResult scene : store().scenes(runId)) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("scene_id", scene.sceneId());
            fields.put("status", scene.status().name());
            fields.put("error", scene.error());
            fields.put("tiles", scene.tiles());
            fields.put("output", scene.output());
            fields.put("output_sha256", scene.outputSha256());
            fields.put("map", localOutput(scene).isPresent());
            scenes.add(fields);
        }
        List<TileResult> failed = store().failures(runId);
        List<Map<String, Object>> failures = new ArrayList<>();
        for (TileResult tile : failed.subList(0, Math.min(failed.size(), MAX_FAILURES))) {
            failures.add(tile(tile));
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("run", summary(run, store().tileCounts(List.of(runId)).get(runId)));
        reply.put("manifest", manifest(run).orElse(null));
        reply.put("scenes", scenes);
        reply.put("failures_total", failed.size());
        reply.put("failures", failures);
        return reply;
    }

    /** The scene's footprint and tile grid as GeoJSON in the scene's CRS, with each row in its tile's properties. */
    Map<String, Object> tiles(String runId, String sceneId) {
        SceneRef ref = scene(runId, sceneId);
        RasterInfo info;
        try (RasterReader reader = RasterReader.open(ref.output().toString())) {
            info = reader.info();
        }
        GeoTransform transform = info.transform();
        double[] extent = transform.bounds(new Window(0, 0, info.width(), info.height()));
        List<TileResult> rows = store().tiles(runId, sceneId);
        // Longitude and latitude for people (GDAL's OSR): the scene's centre and each tile's; a mean of longitudes
        // would put a scene across the antimeridian on the other side of the globe.
        double[] points = new double[2 + 2 * rows.size()];
        points[0] = (extent[0] + extent[2]) / 2;
        points[1] = (extent[1] + extent[3]) / 2;
        for (int i = 0; i < rows.size(); i++) {
            double[] b = rows.get(i).bounds();
            points[2 + 2 * i] = (b[0] + b[2]) / 2;
            points[3 + 2 * i] = (b[1] + b[3]) / 2;
        }
        double[] lonLat = info.crs() == null ? null : info.crs().toLonLat(points);
        List<Map<String, Object>> features = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> properties = tile(rows.get(i));
            if (lonLat != null) {
                properties.put("centre_lon_lat", new double[]{lonLat[2 + 2 * i], lonLat[3 + 2 * i]});
            }
            features.add(feature(rows.get(i).tileId(), rows.get(i).bounds(), properties));
        }
        Map<String, Object> scene = new LinkedHashMap<>();
        scene.put("scene_id", sceneId);
        scene.put("crs", info.crs() == null ? null : info.crs().label());
        scene.put("extent", extent);
        scene.put("width", info.width());
        scene.put("height", info.height());
        scene.put("classes", classes(ref).stream().map(OpenInference::classEntry).toList());
        scene.put("footprint", feature(sceneId, extent, Map.of("scene_id", sceneId)));
        if (lonLat != null) {
            scene.put("centre_lon_lat", new double[]{lonLat[0], lonLat[1]});
            try { // the STAC Item's footprint: split at the antimeridian there
                scene.put("footprint_lon_lat", Footprint.of(transform, info.width(), info.height(), info.crs())
                        .geoJson());
            } catch (RasterException e) { // a pole inside, or an outline GDAL cannot transform; asked at each request
                LOG.debug("scene {} of run {}: no footprint in longitude and latitude (nor a STAC Item): {}", sceneId,
                        runId, e.getMessage());
            }
        }

        Map<String, Object> collection = new LinkedHashMap<>();
        collection.put("type", "FeatureCollection");
        collection.put("scene", scene);
        collection.put("features", features);
        return collection;
    }

    Map<String, Object> models() {
        ModelRegistry models = ModelRegistry.open(registry);
        Map<String, String> aliases = models.aliases();
        List<Map<String, Object>> versions = new ArrayList<>();
        for (ModelVersion version : models.list()) {
            ModelCard card = version.card();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("version", version.id());
            fields.put("name", card.name());
            fields.put("aliases", aliases.entrySet().stream().filter(e -> e.getValue().equals(version.id()))
                    .map(Map.Entry::getKey).toList());
            fields.put("tasks", card.tasks());
            fields.put("framework", card.framework() + " " + card.frameworkVersion());
            fields.put("bands", card.bandNames());
            fields.put("classes", card.classes().stream().map(ClassSpec::name).toList());
            fields.put("tile_size", card.tileSize());
            fields.put("halo", card.halo());
            fields.put("onnx_sha256", version.onnxSha256());
            fields.put("metrics", card.metrics());
            versions.add(fields);
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("registry", registry.toAbsolutePath().normalize().toString());
        reply.put("aliases", aliases);
        reply.put("served", served);
        reply.put("models", versions);
        return reply;
    }

    /** @throws ApiException 404 when the run or scene is unknown or the scene has no local prediction raster */
    SceneRef scene(String runId, String sceneId) {
        RunRecord run = requireRun(runId);
        SceneResult scene = store().scenes(runId).stream().filter(s -> s.sceneId().equals(sceneId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("run " + runId + " has no scene " + sceneId));
        Path output = localOutput(scene).orElseThrow(() -> ApiException.notFound("scene " + sceneId + " of run "
                + runId + " has no prediction raster on this machine (" + scene.status() + ")"));
        return new SceneRef(run, scene, output);
    }

    /** The run's manifest, when the store names a local file. */
    Optional<JsonNode> manifest(RunRecord run) {
        if (run.manifest() == null || run.manifest().contains("://")) {
            return Optional.empty();
        }
        Path file = Path.of(run.manifest());
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readTree(file.toFile()));
        } catch (IOException e) {
            throw new IllegalStateException(file + ": the run's manifest cannot be read: " + e.getMessage(), e);
        }
    }

    /** The classes of the run's model from the registry, else the names the raster's metadata keeps. */
    List<ClassSpec> classes(SceneRef ref) {
        Optional<ModelCard> card = card(ref.run().modelVersion());
        if (card.isPresent()) {
            return card.get().classes();
        }
        String recorded;
        try (RasterReader reader = RasterReader.open(ref.output().toString())) {
            recorded = reader.info().metadata().getOrDefault("TILEINFER_CLASSES", "");
        }
        List<ClassSpec> classes = new ArrayList<>();
        String[] palette = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d"};
        for (String entry : recorded.split(",")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                classes.add(new ClassSpec(Integer.parseInt(entry.substring(0, eq)), entry.substring(eq + 1),
                        palette[classes.size() % palette.length]));
            }
        }
        return classes;
    }

    Optional<ModelCard> card(String version) {
        try {
            return Optional.of(ModelRegistry.open(registry).resolve(version).card());
        } catch (RuntimeException unknownHere) {
            return Optional.empty(); // a run of a model this registry does not hold
        }
    }

    /** The store, once {@link #requireRun} found it there. */
    private ResultStore store() {
        return stores.current();
    }

    private RunRecord requireRun(String runId) {
        ResultStore store = stores.current();
        if (store == null) {
            throw ApiException.notFound("no result store: start the server with --store (or it could not be "
                    + "opened: see the server's log)");
        }
        return store.run(runId).orElseThrow(() -> ApiException.notFound("no such run: " + runId));
    }

    private static Map<String, Object> summary(RunRecord run, TileCounts counts) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("run_id", run.runId());
        fields.put("status", run.statusAt(Instant.now())); // "interrupted": running by its row, its process gone
        fields.put("model_version", run.modelVersion());
        fields.put("config_path", run.configPath());
        fields.put("started_at", run.startedAt().toString());
        fields.put("finished_at", run.finishedAt() == null ? null : run.finishedAt().toString());
        fields.put("heartbeat_at", run.heartbeatAt() == null ? null : run.heartbeatAt().toString());
        fields.put("duration_seconds", run.finishedAt() == null ? null
                : Duration.between(run.startedAt(), run.finishedAt()).toMillis() / 1000.0);
        fields.put("done", counts.done());
        fields.put("skipped", counts.skipped());
        fields.put("failed", counts.failed());
        return fields;
    }

    private static Map<String, Object> tile(TileResult tile) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("tile_id", tile.tileId());
        fields.put("scene_id", tile.sceneId());
        fields.put("index", tile.tileIndex());
        Window w = tile.window();
        fields.put("window", Map.of("x", w.x(), "y", w.y(), "width", w.width(), "height", w.height()));
        fields.put("status", tile.status().name());
        fields.put("error", tile.error());
        fields.put("cause", tile.cause());
        fields.put("attempts", tile.attempts());
        fields.put("class_fractions", tile.classFractions());
        fields.put("latency_ms", tile.latencyMs());
        fields.put("input_sha256", tile.inputSha256());
        fields.put("model_version", tile.modelVersion());
        return fields;
    }

    private static Map<String, Object> feature(String id, double[] box, Map<String, Object> properties) {
        double[][] ring = {{box[0], box[1]}, {box[2], box[1]}, {box[2], box[3]}, {box[0], box[3]}, {box[0], box[1]}};
        Map<String, Object> feature = new LinkedHashMap<>();
        feature.put("type", "Feature");
        feature.put("id", id);
        feature.put("geometry", Map.of("type", "Polygon", "coordinates", new double[][][]{ring}));
        feature.put("properties", properties);
        return feature;
    }

    private static Optional<Path> localOutput(SceneResult scene) {
        if (scene.output() == null || scene.output().contains("://")) {
            return Optional.empty();
        }
        Path output = Path.of(scene.output());
        return Files.isRegularFile(output) ? Optional.of(output) : Optional.empty();
    }
}
