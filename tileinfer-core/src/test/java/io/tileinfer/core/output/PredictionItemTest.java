package io.tileinfer.core.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tileinfer.core.Hashing;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.scene.SunElevation;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.raster.Crs;
import io.tileinfer.raster.GeoTransform;
import io.tileinfer.raster.RasterInfo;
import io.tileinfer.raster.RasterReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The item's fields, on scenes made up around the real Landsat grid; BatchRunnerTest checks one a run writes. */
class PredictionItemTest {
    private static final GeoTransform LANDSAT_GRID = new GeoTransform(452475, 30, 0, 3408645, 0, -30);
    private static final Instant ACQUIRED = Instant.parse("2015-08-04T16:19:21Z");
    private static final PredictionItem.Run RUN = new PredictionItem.Run("pipeline-0123456789ab", "m-1", "c0ffee",
            Instant.parse("2026-01-02T03:04:05.123456Z"), Map.of("tileinfer", "0.1.0", "GDAL", "3.6.2"));
    private static final List<ClassSpec> CLASSES = List.of(new ClassSpec(0, "clear", "#2ca02c"),
            new ClassSpec(1, "thin cloud", "#ffffff"));

    @Test
    void anItemIsValidAgainstTheOfficialSchemasOfStacAndItsExtensions(@TempDir Path dir) throws IOException {
        JsonNode item = item(dir, scene(Crs.parse("EPSG:32616"), ACQUIRED), true, null).toJson();
        assertEquals(List.of(), StacSchemas.errors(item));

        assertEquals("pipeline-0123456789ab~l8", item.path("id").asText());
        assertEquals("2015-08-04T16:19:21Z", item.at("/properties/datetime").asText());
        assertEquals("2026-01-02T03:04:05.123456Z", item.at("/properties/created").asText());
        assertEquals("{\"GDAL\":\"3.6.2\",\"tileinfer\":\"0.1.0\"}",
                item.at("/properties/processing:software").toString());
        JsonNode cog = item.at("/assets/prediction");
        assertEquals("./l8.tif", cog.path("href").asText());
        assertEquals("EPSG:32616", cog.path("proj:code").asText());
        assertEquals("[603,627]", cog.path("proj:shape").toString());
        assertEquals("[30.0,0.0,452475.0,0.0,-30.0,3408645.0]", cog.path("proj:transform").toString());
        assertEquals("[452475.0,3390555.0,471285.0,3408645.0]", cog.path("proj:bbox").toString());
        assertEquals(Files.size(dir.resolve("l8.tif")), cog.path("file:size").asLong());
        assertEquals("1220" + Hashing.sha256(dir.resolve("l8.tif")), cog.path("file:checksum").asText());
        JsonNode bands = cog.path("raster:bands");
        assertEquals(List.of("class", "p_clear (percent)", "p_thin cloud (percent)"),
                bands.valueStream().map(band -> band.path("name").asText()).toList());
        // the card's name is kept as the title where the classification extension's names allow less
        assertEquals("[{\"value\":0,\"name\":\"clear\",\"color_hint\":\"2CA02C\"},"
                        + "{\"value\":1,\"name\":\"thin_cloud\",\"title\":\"thin cloud\",\"color_hint\":\"FFFFFF\"}]",
                bands.get(0).path("classification:classes").toString());
        assertEquals("%", bands.get(2).path("unit").asText());
        assertEquals("./l8.quicklook.png", item.at("/assets/quicklook/href").asText());
        assertEquals(0, item.path("links").size(), "a scene from files has no STAC Item to link to");
    }

    @Test
    void aRangeOfAcquisitionIsTheItemsStartAndEnd(@TempDir Path dir) throws IOException {
        Scene composite = new Scene("l8", 627, 603, LANDSAT_GRID, Crs.parse("EPSG:32616"), ACQUIRED,
                ACQUIRED.plusSeconds(86400), List.of());
        JsonNode item = item(dir, composite, true, null).toJson();
        assertEquals(List.of(), StacSchemas.errors(item));
        assertTrue(item.at("/properties/datetime").isNull(), item.at("/properties").toString());
        assertEquals("2015-08-04T16:19:21Z", item.at("/properties/start_datetime").asText());
        assertEquals("2015-08-05T16:19:21Z", item.at("/properties/end_datetime").asText());
    }

    /** A scene whose model corrected its bands for the sun angle: the elevation used is the view extension's. */
    @Test
    void aSunElevationIsTheViewExtensionsSunElevation(@TempDir Path dir) throws IOException {
        Scene scene = new Scene("l8", 627, 603, LANDSAT_GRID, Crs.parse("EPSG:32616"), ACQUIRED, null, List.of(),
                new SunElevation(64.74360932, "the scene's configuration (sun_elevation)"));
        ObjectNode item = item(dir, scene, true, null).toJson();
        assertEquals(List.of(), StacSchemas.errors(item));
        assertEquals(64.74360932, item.at("/properties/view:sun_elevation").asDouble());
        assertTrue(item.path("stac_extensions").toString().contains("/view/v1.0.0/"), item.toString());
        assertBroken(item, broken -> ((ObjectNode) broken.path("properties")).put("view:sun_elevation", 95),
                "view/v1.0.0");

        JsonNode without = item(dir, scene(Crs.parse("EPSG:32616"), ACQUIRED), true, null).toJson();
        assertTrue(without.at("/properties/view:sun_elevation").isMissingNode());
        assertFalse(without.path("stac_extensions").toString().contains("/view/"), "no extension without its field");
    }

    @Test
    void theSchemasFindWhatIsWrong(@TempDir Path dir) throws IOException {
        ObjectNode valid = item(dir, scene(Crs.parse("EPSG:32616"), ACQUIRED), true, null).toJson();
        assertBroken(valid, item -> ((ObjectNode) item.path("properties")).remove("datetime"), "item.json");
        assertBroken(valid, item -> ((ObjectNode) item.path("properties")).put("datetime", "2015-08-04 16:19"),
                "item.json");
        assertBroken(valid, item -> asset(item).put("file:checksum", "sha256:0123"), "file/v2.1.0");
        assertBroken(valid, item -> ((ArrayNode) asset(item).path("proj:shape")).add(3), "projection/v2.0.0");
        assertBroken(valid, item -> ((ObjectNode) asset(item).path("raster:bands").get(0)).put("data_type", "byte"),
                "raster/v1.1.0");
        assertBroken(valid, item -> ((ObjectNode) asset(item).at("/raster:bands/0/classification:classes/1"))
                .put("name", "thin cloud"), "classification/v2.0.0");
        assertBroken(valid, item -> ((ObjectNode) item.path("properties")).putObject("processing:software")
                .put("tileinfer", 1), "processing/v1.2.0");
        assertBroken(valid, item -> ((ObjectNode) item.path("geometry")).put("type", "Polygn"), "item.json");
    }

    @Test
    void aSceneAcrossTheAntimeridianHasAMultiPolygonSplitThereAndABoxFromWestToEast(@TempDir Path dir)
            throws IOException {
        Scene scene;
        try (RasterReader reader = RasterReader.open(SharedData.acrossTheAntimeridian(dir).toString())) {
            RasterInfo info = reader.info();
            scene = new Scene("l8", info.width(), info.height(), info.transform(), info.crs(), ACQUIRED, null, List.of());
        }
        JsonNode item = item(dir, scene, true, null).toJson();
        assertEquals(List.of(), StacSchemas.errors(item));

        assertEquals("MultiPolygon", item.at("/geometry/type").asText());
        JsonNode polygons = item.at("/geometry/coordinates");
        assertEquals(2, polygons.size());
        for (JsonNode polygon : polygons) {
            assertEquals(1, polygon.size(), "no holes");
            JsonNode ring = polygon.get(0);
            assertEquals(ring.get(0), ring.get(ring.size() - 1));
            for (JsonNode point : ring) {
                assertTrue(Math.abs(point.get(0).asDouble()) <= 180, point.toString());
            }
        }
        // west of the antimeridian up to 180°, east of it from -180°
        assertEquals(180.0, polygons.at("/0/0").valueStream().mapToDouble(p -> p.get(0).asDouble()).max().orElseThrow());
        assertEquals(-180.0, polygons.at("/1/0").valueStream().mapToDouble(p -> p.get(0).asDouble()).min()
                .orElseThrow());
        // the box runs from its west across 180° to its east: the corners' range, as gdaltransform gives them (upper
        // left 179.91812 -17.43460, lower left 179.92073 -17.59790, lower right -179.90223 -17.59520, upper right
        // -179.90500 -17.43192); a whole-globe -180..180 is what a box of the raw longitudes would say
        JsonNode bbox = item.path("bbox");
        assertTrue(bbox.get(0).asDouble() > bbox.get(2).asDouble(), bbox.toString());
        List<Double> expected = List.of(179.91812, -17.59790, -179.90223, -17.43192);
        for (int i = 0; i < 4; i++) {
            assertEquals(expected.get(i), bbox.get(i).asDouble(), 1e-4, "bbox " + i);
        }
    }

    @Test
    void aCrsWithoutEpsgCodeIsGivenAsWkt2(@TempDir Path dir) throws IOException {
        Crs custom = Crs.parse("+proj=utm +zone=16 +ellps=intl +units=m +no_defs");
        JsonNode item = item(dir, scene(custom, ACQUIRED), false, null).toJson();
        assertEquals(List.of(), StacSchemas.errors(item));
        JsonNode cog = item.at("/assets/prediction");
        assertTrue(cog.path("proj:code").isNull());
        assertTrue(Crs.parse(cog.path("proj:wkt2").asText()).sameAs(custom));
        assertEquals(1, cog.path("raster:bands").size(), "no probability bands were kept");
        assertFalse(cog.path("description").asText().contains("probability"));
    }

    @Test
    void aSceneFromAStacItemLinksToItByAnAbsoluteUri(@TempDir Path dir) throws IOException {
        Path input = dir.resolve("inputs/LC08 item.json");
        JsonNode local = item(dir, scene(Crs.parse("EPSG:32616"), ACQUIRED), true, input.toString()).toJson();
        assertEquals(List.of(), StacSchemas.errors(local));
        assertEquals("derived_from", local.at("/links/0/rel").asText());
        assertEquals(input.toUri().toString(), local.at("/links/0/href").asText());
        String url = "https://example.com/stac/LC08.json";
        assertEquals(url, item(dir, scene(Crs.parse("EPSG:32616"), ACQUIRED), true, url).toJson()
                .at("/links/0/href").asText());
    }

    @Test
    void aSceneWithoutAcquisitionTimeHasNoItem(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> item(dir, scene(Crs.parse("EPSG:32616"), null), true, null));
        assertTrue(e.getMessage().contains("no acquisition time"), e.getMessage());
    }

    @Test
    void theItemIsNamedAfterTheRasterAndWrittenBesideIt(@TempDir Path dir) throws IOException {
        PredictionItem item = item(dir, scene(Crs.parse("EPSG:32616"), ACQUIRED), true, null);
        Path file = item.write();
        assertEquals(dir.resolve("l8.json"), file);
        assertEquals(item.toJson().toString(), new ObjectMapper().readTree(file.toFile()).toString());
        assertFalse(Files.exists(dir.resolve("l8.json.tmp")));
    }

    private static void assertBroken(ObjectNode valid, Consumer<ObjectNode> breakIt, String schema) {
        ObjectNode broken = valid.deepCopy();
        breakIt.accept(broken);
        List<String> errors = StacSchemas.errors(broken);
        assertTrue(errors.stream().anyMatch(e -> e.contains(schema)), schema + " should object, found " + errors);
    }

    private static ObjectNode asset(ObjectNode item) {
        return (ObjectNode) item.at("/assets/prediction");
    }

    private static Scene scene(Crs crs, Instant acquired) {
        return new Scene("l8", 627, 603, LANDSAT_GRID, crs, acquired, null, List.of());
    }

    /** An item whose raster and quicklook are stand-in files of {@code dir} (the item reads only their bytes). */
    private static PredictionItem item(Path dir, Scene scene, boolean probabilities, String sourceItem)
            throws IOException {
        Path raster = dir.resolve("l8.tif");
        Files.copy(Path.of(SharedData.variant("l8_rgbn_cog.tif")), raster, StandardCopyOption.REPLACE_EXISTING);
        Path quicklook = Files.write(dir.resolve("l8.quicklook.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G'});
        return new PredictionItem(scene, RUN, new PredictionBands(CLASSES, probabilities),
                new PredictionItem.ItemFile(raster, Hashing.sha256(raster)),
                new PredictionItem.ItemFile(quicklook, Hashing.sha256(quicklook)), sourceItem);
    }
}
