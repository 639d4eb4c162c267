package io.tileinfer.core.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tileinfer.core.AtomicFiles;
import io.tileinfer.core.config.Locations;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.raster.Footprint;
import io.tileinfer.raster.GeoTransform;
import io.tileinfer.raster.Window;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The STAC Item (1.0.0) of a prediction COG, written beside it so that the outputs can be catalogued like the inputs:
 * the scene's footprint and acquisition time (or its range), the COG (projection, raster bands, classes, size and
 * SHA-256) and its quicklook as assets with relative hrefs, the run's provenance, and a {@code derived_from} link to
 * the input's STAC Item when the scene came from one. The same inputs always give the same bytes.
 */
public record PredictionItem(Scene scene, Run run, PredictionBands bands, ItemFile raster, ItemFile quicklook,
                             String sourceItem) {

    /**
     * The run that made the prediction. {@code started} is its first start, which resumes keep, so that an item
     * written again does not differ; {@code software} names each program and its version.
     */
    public record Run(String id, String modelVersion, String configSha256, Instant started,
                      Map<String, String> software) {
    }

    /** A file the item lists, with its SHA-256 as the manifest records it. */
    public record ItemFile(Path path, String sha256) {
    }

    static final List<String> EXTENSIONS = List.of(
            "https://stac-extensions.github.io/projection/v2.0.0/schema.json",
            "https://stac-extensions.github.io/raster/v1.1.0/schema.json",
            "https://stac-extensions.github.io/classification/v2.0.0/schema.json",
            "https://stac-extensions.github.io/file/v2.1.0/schema.json",
            "https://stac-extensions.github.io/processing/v1.2.0/schema.json");
    /** The view extension: {@code view:sun_elevation}, for a scene whose model corrected its bands for the sun. */
    static final String VIEW = "https://stac-extensions.github.io/view/v1.0.0/schema.json";
    private static final String COG = "image/tiff; application=geotiff; profile=cloud-optimized";
    /** The multihash prefix of a SHA-256 digest: function 0x12, 32 bytes. */
    private static final String SHA256_MULTIHASH = "1220";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param quicklook null when the scene has none
     * @param sourceItem the input's STAC Item (a path or URL), or null when the scene came from files
     * @throws IllegalArgumentException when the scene has no acquisition time: STAC requires one, and a null
     *                                  {@code datetime} needs a start and end that nothing tells here
     */
    public PredictionItem {
        if (scene.acquired() == null) {
            throw new IllegalArgumentException("scene " + scene.id() + " has no acquisition time (its check was "
                    + "skipped), expected one: a STAC Item needs its datetime");
        }
    }

    /** The item of a prediction raster {@code <scene>.tif}: {@code <scene>.json} beside it. */
    public static Path fileFor(Path prediction) {
        String name = prediction.getFileName().toString();
        return prediction.resolveSibling(name.substring(0, name.length() - ".tif".length()) + ".json");
    }

    /** Writes the item beside the raster, atomically (temp file + rename), and returns its file. */
    public Path write() throws IOException {
        Path target = fileFor(raster.path());
        AtomicFiles.write(target, JSON.writeValueAsBytes(toJson()));
        return target;
    }

    /**
     * The item as JSON. Its id joins the run's and the scene's with {@code ~}, which neither may contain, so that no
     * two runs' items share one.
     */
    public ObjectNode toJson() throws IOException {
        Footprint footprint = Footprint.of(scene.transform(), scene.width(), scene.height(), scene.crs());
        ObjectNode item = JSON.createObjectNode();
        item.put("type", "Feature");
        item.put("stac_version", "1.0.0");
        ArrayNode extensions = item.putArray("stac_extensions");
        EXTENSIONS.forEach(extensions::add);
        if (scene.sunElevation() != null) {
            extensions.add(VIEW);
        }
        item.put("id", run.id() + "~" + scene.id());
        // a MultiPolygon split at the antimeridian there, and a bbox whose west is greater than its east
        item.set("geometry", JSON.valueToTree(footprint.geoJson()));
        Footprint.Box box = footprint.box();
        item.putArray("bbox").add(box.west()).add(box.south()).add(box.east()).add(box.north());
        item.set("properties", properties());
        ArrayNode links = item.putArray("links");
        if (sourceItem != null) {
            links.addObject().put("rel", "derived_from").put("href", absoluteHref(sourceItem))
                    .put("type", "application/geo+json");
        }
        ObjectNode assets = item.putObject("assets");
        assets.set("prediction", rasterAsset());
        if (quicklook != null) {
            // "overview", not "visual": it is at most 1024 pixels a side, and has a legend strip below the scene
            assets.set("quicklook", asset(quicklook, "image/png", "Quicklook",
                    "The classes in the model card's colours over the imagery, with a legend.", "overview"));
        }
        return item;
    }

    private ObjectNode properties() {
        ObjectNode properties = JSON.createObjectNode();
        if (scene.acquiredUntil() == null) {
            properties.put("datetime", scene.acquired().toString());
        } else {
            properties.putNull("datetime");
            properties.put("start_datetime", scene.acquired().toString());
            properties.put("end_datetime", scene.acquiredUntil().toString());
        }
        if (scene.sunElevation() != null) { // what the model's sun-angle-corrected bands were divided by
            properties.put("view:sun_elevation", scene.sunElevation());
        }
        properties.put("created", run.started().toString());
        ObjectNode software = properties.putObject("processing:software");
        new TreeMap<>(run.software()).forEach(software::put);
        properties.put("tileinfer:run_id", run.id());
        properties.put("tileinfer:scene_id", scene.id());
        properties.put("tileinfer:model_version", run.modelVersion());
        properties.put("tileinfer:config_sha256", run.configSha256());
        return properties;
    }

    /** The COG, with the projection on the asset: the quicklook is not on that grid. */
    private ObjectNode rasterAsset() throws IOException {
        ObjectNode asset = asset(raster, COG, "Prediction of model " + run.modelVersion(),
                "Band 1 is the class of each pixel (see its classification:classes)"
                        + (bands.probabilities() ? ", then one band per class with its probability in percent" : "")
                        + "; 255 is nodata.", "data");
        if (scene.crs().epsg() != null) {
            asset.put("proj:code", "EPSG:" + scene.crs().epsg());
        } else {
            asset.putNull("proj:code");
            asset.put("proj:wkt2", scene.crs().wkt2());
        }
        asset.putArray("proj:shape").add(scene.height()).add(scene.width());
        GeoTransform gt = scene.transform();
        // STAC's transform is the affine's first two rows, x's coefficients then y's; GDAL puts each origin first
        asset.putArray("proj:transform").add(gt.pixelWidth()).add(gt.rowRotation()).add(gt.originX())
                .add(gt.columnRotation()).add(gt.pixelHeight()).add(gt.originY());
        ArrayNode bbox = asset.putArray("proj:bbox");
        for (double bound : gt.bounds(new Window(0, 0, scene.width(), scene.height()))) {
            bbox.add(bound);
        }
        asset.set("raster:bands", rasterBands());
        return asset;
    }

    private ArrayNode rasterBands() {
        ArrayNode list = JSON.createArrayNode();
        List<String> names = bands.names();
        ObjectNode classBand = band(names.getFirst(), "the class of each pixel");
        ArrayNode classes = classBand.putArray("classification:classes");
        bands.classes().forEach(c -> classes.add(classObject(c)));
        list.add(classBand);
        for (int i = 1; i < names.size(); i++) {
            String className = bands.classes().get(i - 1).name();
            list.add(band(names.get(i), "the probability of class " + className + ", in percent").put("unit", "%"));
        }
        return list;
    }

    /**
     * A band of the COG. {@code name} and {@code description} are not the raster extension's: STAC 1.1 gives bands
     * these two fields, and the raster extension's band object allows them.
     */
    private static ObjectNode band(String name, String description) {
        ObjectNode band = JSON.createObjectNode();
        band.put("name", name);
        band.put("description", description);
        band.put("data_type", "uint8");
        band.put("nodata", TilePrediction.NODATA);
        return band;
    }

    /** The classification extension's names are letters, digits, '-' and '_': the card's name is its title then. */
    private static ObjectNode classObject(ClassSpec spec) {
        ObjectNode object = JSON.createObjectNode();
        object.put("value", spec.value());
        String name = spec.name().replaceAll("[^0-9A-Za-z_-]", "_");
        object.put("name", name);
        if (!name.equals(spec.name())) {
            object.put("title", spec.name());
        }
        object.put("color_hint", spec.color().substring(1).toUpperCase(Locale.ROOT));
        return object;
    }

    /** An asset with a relative href (the file is beside the item), its size and the SHA-256 as a multihash. */
    private static ObjectNode asset(ItemFile file, String mediaType, String title, String description, String role)
            throws IOException {
        ObjectNode asset = JSON.createObjectNode();
        asset.put("href", "./" + file.path().getFileName());
        asset.put("type", mediaType);
        asset.put("title", title);
        asset.put("description", description);
        asset.putArray("roles").add(role);
        asset.put("file:size", Files.size(file.path()));
        asset.put("file:checksum", SHA256_MULTIHASH + file.sha256());
        return asset;
    }

    /**
     * The input item's location as an absolute URI: a local path becomes a {@code file:} URI, since a bare path
     * would be taken as relative to wherever this item is published (an S3 bucket, say).
     */
    private static String absoluteHref(String location) {
        return Locations.isRemote(location) ? location : Path.of(location).toUri().toString();
    }
}
