package io.tileinfer.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tileinfer.core.store.StoreUrls;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.model.JsonErrors;
import io.tileinfer.model.ModelCard;
import io.tileinfer.raster.Crs;
import io.tileinfer.raster.ObjectStoreOptions;
import io.tileinfer.raster.RasterException;
import io.tileinfer.model.InputScaling;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.tileinfer.core.Hashing.sha256;

/** Reads {@code pipeline.yaml} into a {@link PipelineConfig}; every mistake is a {@link ConfigException}. */
public final class ConfigLoader {
    /** Checks that a user may switch off, e.g. to salvage the readable part of a damaged file. */
    public static final Set<String> SKIPPABLE_CHECKS = Set.of("integrity", "acquisition-time");

    private static final Set<String> TOP_KEYS = Set.of("model", "registry", "output", "staging", "store",
            "object_store", "tiling", "workers", "retries", "crs", "outputs", "checks", "scenes");
    private static final Set<String> OBJECT_STORE_KEYS = Set.of("endpoint", "region", "path_style", "anonymous",
            "timeout_seconds", "connect_timeout_seconds", "retries", "retry_delay_seconds");
    private static final Set<String> SCENE_KEYS = Set.of("id", "file", "band_names", "bands", "stac", "nodata",
            "acquired", "sun_elevation");
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();
    /** A key given twice is refused like an unknown one: Jackson would keep the last without a word. */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private ConfigLoader() {
    }

    public static PipelineConfig load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such configuration file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        JsonNode tree;
        try {
            tree = YAML.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML: " + JsonErrors.describe(e));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        if (tree == null || tree.isMissingNode()) {
            throw new ConfigException(file + ": the file is empty, expected a pipeline configuration");
        }
        return parse(file, bytes, new ConfigNode(file, "", tree));
    }

    private static PipelineConfig parse(Path file, byte[] bytes, ConfigNode root) {
        root.onlyKeys(TOP_KEYS);
        Path base = file.toAbsolutePath().getParent();

        String storeUrl = null;
        if (root.has("store")) {
            ConfigNode store = root.get("store");
            store.onlyKeys(Set.of("url"));
            storeUrl = store.string("url", null);
            if (storeUrl != null && !storeUrl.startsWith("jdbc:")) {
                throw store.error("url", "found \"" + storeUrl + "\"", "a JDBC URL such as jdbc:sqlite:results.db");
            }
            if (storeUrl != null && StoreUrls.keepsNothing(storeUrl)) {
                throw store.error("url", "is \"" + storeUrl + "\", " + StoreUrls.KEEPS_NOTHING,
                        StoreUrls.EXPECTED_KEPT);
            }
            if (storeUrl != null && !StoreUrls.redact(storeUrl).equals(storeUrl)) {
                // the manifest keeps the configuration's text, and uploads it with the outputs
                throw store.error("url", "holds a password", "the password in PGPASSWORD or ~/.pgpass (the "
                        + "manifest records this file's text)");
            }
            if (storeUrl != null) {
                storeUrl = StoreUrls.resolveSqlite(storeUrl, base);
            }
        }

        ObjectStoreOptions objectStore = root.has("object_store")
                ? objectStore(root.get("object_store")) : ObjectStoreOptions.NONE;
        String output = root.string("output", "runs");
        String outputUrl = null;
        Path outputDir;
        if (Locations.isRemote(output)) {
            if (!output.matches("s3://[^/]+(/.*)?")) {
                throw root.error("output", "is \"" + output + "\"", "a directory or an s3://BUCKET/PREFIX URL");
            }
            outputUrl = output.replaceAll("/+$", "");
            outputDir = base.resolve(root.string("staging", "staging")).normalize();
        } else {
            if (root.has("staging")) {
                throw root.error("staging", "is set with a local output", "staging only with an s3:// output");
            }
            outputDir = base.resolve(output).normalize();
        }

        Integer tileSize = null;
        Integer halo = null;
        int batch = 8;
        Stitching stitch = Stitching.CROP;
        int overlap = 0;
        if (root.has("tiling")) {
            ConfigNode tiling = root.get("tiling");
            tiling.onlyKeys(Set.of("size", "halo", "batch", "stitch", "overlap"));
            tileSize = tiling.optionalInteger("size", 16, ModelCard.MAX_TILE_SIZE);
            halo = tiling.optionalInteger("halo", 0, 4096);
            batch = tiling.integer("batch", 8, 1, 1024);
            if (tileSize != null && halo != null && 2 * halo >= tileSize) {
                throw tiling.error("halo", "is " + halo + " with a tile size of " + tileSize,
                        "less than half the tile size");
            }
            stitch = stitching(tiling);
            overlap = overlap(tiling, stitch, tileSize, halo);
        }

        boolean probabilities = true;
        if (root.has("outputs")) {
            ConfigNode outputs = root.get("outputs");
            outputs.onlyKeys(Set.of("probabilities"));
            probabilities = outputs.bool("probabilities", true);
        }

        Set<String> skipChecks = new HashSet<>();
        if (root.has("checks")) {
            ConfigNode checks = root.get("checks");
            checks.onlyKeys(Set.of("skip"));
            for (String check : checks.strings("skip")) {
                if (!SKIPPABLE_CHECKS.contains(check)) {
                    throw checks.error("skip", "names \"" + check + "\"", "one of " + SKIPPABLE_CHECKS);
                }
                skipChecks.add(check);
            }
        }

        List<SceneSpec> scenes = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (ConfigNode scene : root.list("scenes")) {
            SceneSpec spec = scene(base, scene);
            if (!ids.add(spec.id())) {
                throw scene.invalid("the scene id \"" + spec.id() + "\" is used twice, expected unique ids");
            }
            scenes.add(spec);
        }
        if (scenes.isEmpty()) {
            throw root.error("scenes", "is an empty list", "at least one scene");
        }

        return new PipelineConfig(
                file.toAbsolutePath(),
                sha256(bytes),
                contentSha256(root.node(), base),
                model(root),
                base.resolve(root.string("registry", "models")).normalize(),
                outputDir,
                outputUrl,
                storeUrl,
                objectStore,
                tileSize,
                halo,
                stitch,
                overlap,
                batch,
                root.integer("workers", Math.max(1, Runtime.getRuntime().availableProcessors()), 1,
                        PipelineConfig.MAX_WORKERS),
                root.integer("retries", 2, 0, 100),
                root.has("crs") ? crs(root) : null,
                probabilities,
                Set.copyOf(skipChecks),
                List.copyOf(scenes));
    }

    private static Stitching stitching(ConfigNode tiling) {
        String text = tiling.string("stitch", Stitching.CROP.key());
        for (Stitching stitching : Stitching.values()) {
            if (stitching.key().equals(text)) {
                return stitching;
            }
        }
        throw tiling.error("stitch", "is \"" + text + "\"", "crop or blend");
    }

    /**
     * Blend only, and then required: an even number of pixels (the kept window grows by half of it on each side),
     * at most half of what a tile keeps, which {@link io.tileinfer.core.run.RunSettings} checks again against the
     * model card's size and halo when the configuration leaves them out.
     */
    private static int overlap(ConfigNode tiling, Stitching stitch, Integer tileSize, Integer halo) {
        if (stitch == Stitching.CROP) {
            if (tiling.has("overlap")) {
                throw tiling.error("overlap", "is set with stitch: crop", "overlap only with stitch: blend");
            }
            return 0;
        }
        if (!tiling.has("overlap")) {
            throw tiling.error("overlap", "is missing with stitch: blend",
                    "the pixels that neighbouring tiles share, an even number such as 16");
        }
        int overlap = tiling.integer("overlap", 0, 2, 4096);
        if (overlap % 2 != 0) {
            throw tiling.error("overlap", "is " + overlap, "an even number of pixels (a power of two, such as 16, "
                    + "makes every blend weight exact)");
        }
        String problem = tileSize != null && halo != null ? TileGrid.overlapProblem(tileSize, halo, overlap) : null;
        if (problem != null) {
            throw tiling.get("overlap").invalid("is " + overlap + " with a tile size of " + tileSize + " and a halo of "
                    + halo + ", " + problem);
        }
        return overlap;
    }

    /**
     * The SHA-256 of what the configuration says: its tree with keys in order and without {@code workers}, so that a
     * comment, a key moved or another number of workers (which changes no output) resume the same run rather than
     * start a new one from nothing. Other keys that change no output ({@code tiling.batch}, {@code retries},
     * {@code object_store}, {@code store}) still make another run: leaving one out would promise it never will. When a
     * scene's input is a relative path, the directory it is relative to counts too: the same text beside other data
     * is another run, not one whose finished tiles it may keep. (Inputs given as absolute paths or URLs keep the run
     * id they had before this rule.)
     */
    private static String contentSha256(JsonNode tree, Path base) {
        ObjectNode content = ((ObjectNode) tree).deepCopy();
        content.remove("workers");
        if (hasRelativeInput(tree.path("scenes"))) {
            content.put("inputs_relative_to", realPath(base).toString());
        }
        try {
            return sha256(CANONICAL.writeValueAsBytes(content));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a YAML tree always writes as JSON", e);
        }
    }

    private static boolean hasRelativeInput(JsonNode scenes) {
        List<String> inputs = new ArrayList<>();
        for (JsonNode scene : scenes) {
            Stream.of(scene.path("file"), scene.path("stac")).filter(JsonNode::isTextual)
                    .forEach(n -> inputs.add(n.textValue()));
            scene.path("bands").forEach(n -> inputs.add(n.asText()));
        }
        return inputs.stream().anyMatch(l -> Locations.isLocal(l) && !Path.of(l).isAbsolute());
    }

    /** The directory as the file system knows it: a path through a symbolic link names the same inputs. */
    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    private static String model(ConfigNode root) {
        String model = root.string("model", "production");
        if (model.isBlank()) {
            throw root.error("model", "is empty", "a model version id or alias (production when the key is left out)");
        }
        return model;
    }

    /** Parsed here, so that a CRS GDAL does not know is the configuration's mistake, not a failed run's. */
    private static Crs crs(ConfigNode root) {
        try {
            return Crs.parse(root.string("crs"));
        } catch (RasterException e) {
            throw root.get("crs").invalid(e.getMessage() + ", expected a CRS such as EPSG:32616");
        }
    }

    private static Instant acquired(ConfigNode scene) {
        try {
            return DateTimes.parse(scene.string("acquired"));
        } catch (IllegalArgumentException e) {
            throw scene.get("acquired").invalid("found " + e.getMessage() + ", expected " + DateTimes.EXPECTED);
        }
    }

    private static ObjectStoreOptions objectStore(ConfigNode node) {
        node.onlyKeys(OBJECT_STORE_KEYS);
        URI endpoint = node.has("endpoint") ? endpoint(node) : null;
        Double retryDelay = node.optionalNumber("retry_delay_seconds");
        if (retryDelay != null && (retryDelay < 0 || retryDelay > 600)) {
            throw node.get("retry_delay_seconds").mismatch("seconds from 0 to 600");
        }
        return new ObjectStoreOptions(endpoint, node.string("region", null),
                node.has("path_style") ? node.bool("path_style", true) : null,
                node.has("anonymous") ? node.bool("anonymous", false) : null,
                node.optionalInteger("timeout_seconds", 1, 3600),
                node.optionalInteger("connect_timeout_seconds", 1, 600),
                node.optionalInteger("retries", 0, 100),
                retryDelay);
    }

    private static URI endpoint(ConfigNode node) {
        String text = node.string("endpoint");
        try {
            URI uri = new URI(text);
            if (uri.getRawUserInfo() != null) { // not repeated: it may be a key
                throw node.error("endpoint", "holds user-info (user@ or user:secret@)", "the endpoint's scheme, host "
                        + "and port alone, with the credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
            }
            boolean bare = (uri.getRawPath() == null || uri.getRawPath().matches("/?")) && uri.getRawQuery() == null
                    && uri.getRawFragment() == null; // GDAL signs requests for the host alone: a path breaks each
            if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && bare) {
                return uri;
            }
        } catch (URISyntaxException notAUri) {
            // reported below, like any other unusable endpoint
        }
        throw node.error("endpoint", "is \"" + text + "\"", "an http:// or https:// URL of a host and port alone, "
                + "such as http://127.0.0.1:9000");
    }

    /** A scene's input, resolved; one with credentials in its URL is refused without repeating them. */
    private static String location(Path base, ConfigNode scene, String field, String location) {
        UrlCredentials.find(location).ifPresent(part -> {
            throw scene.error(field, "has " + part, UrlCredentials.EXPECTED);
        });
        return Locations.resolve(base, location);
    }

    private static SceneSpec scene(Path base, ConfigNode node) {
        node.onlyKeys(SCENE_KEYS);
        int forms = (node.has("file") ? 1 : 0) + (node.has("bands") ? 1 : 0) + (node.has("stac") ? 1 : 0);
        if (forms != 1) {
            throw node.invalid("found " + forms + " of file/bands/stac, expected exactly one");
        }
        String file = node.has("file") ? location(base, node, "file", node.string("file")) : null;
        String stac = node.has("stac") ? location(base, node, "stac", node.string("stac")) : null;
        Map<String, String> bandFiles = null;
        if (node.has("bands")) {
            bandFiles = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, String> band : node.stringMap("bands").entrySet()) {
                bandFiles.put(band.getKey(), location(base, node, "bands." + band.getKey(), band.getValue()));
            }
            if (bandFiles.isEmpty()) {
                throw node.error("bands", "is empty", "band names mapped to single-band files");
            }
        }
        List<String> bandNames = node.has("band_names") ? node.strings("band_names") : null;
        if (bandNames != null && file == null) {
            throw node.error("band_names", "is set without file", "band_names only with file");
        }
        String id = node.string("id", null);
        boolean fromItem = id == null;
        if (fromItem) {
            if (stac == null) {
                throw node.error("id", "is missing", "a scene id (only a STAC scene has a default: its item's file name without .json)");
            }
            String name = Locations.fileName(stac);
            id = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        }
        if (!id.matches("[A-Za-z0-9._-]+")) {
            throw fromItem ? node.error("id", "is missing, and the item's file name gives \"" + id + "\"",
                    "an id of letters, digits, '.', '_' or '-' (it names files)")
                    : node.error("id", "is \"" + id + "\"", "letters, digits, '.', '_' or '-' (it names files)");
        }
        Double sunElevation = node.optionalNumber("sun_elevation");
        if (sunElevation != null && !InputScaling.correctable(sunElevation)) {
            throw node.get("sun_elevation").mismatch(InputScaling.SUN_ELEVATIONS);
        }
        return new SceneSpec(id, file, bandNames, bandFiles, stac, node.optionalNumber("nodata"),
                node.has("acquired") ? acquired(node) : null, sunElevation);
    }
}
