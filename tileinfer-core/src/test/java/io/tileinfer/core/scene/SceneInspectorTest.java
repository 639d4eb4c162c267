package io.tileinfer.core.scene;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.config.SceneSpec;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileData;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.core.tile.TileReader;
import io.tileinfer.model.BandSpec;
import io.tileinfer.raster.Crs;
import io.tileinfer.raster.ObjectStoreOptions;
import io.tileinfer.raster.RangeHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.tileinfer.core.SharedData.landsat;
import static io.tileinfer.core.SharedData.variant;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SceneInspectorTest {
    private static final List<BandSpec> RGBN = List.of(new BandSpec("B2", "blue", 1, 0),
            new BandSpec("B3", "green", 1, 0), new BandSpec("B4", "red", 1, 0), new BandSpec("B5", "nir08", 1, 0));
    private static final List<String> RGBN_NAMES = List.of("B2", "B3", "B4", "B5");

    private static SceneInspector.Inspection file(String name, Expectations expect) {
        return SceneInspector.inspect(new SceneSpec("s", variant(name), null, null, null, null, null), expect);
    }

    private static ValidationIssue only(SceneInspector.Inspection inspection) {
        assertEquals(1, inspection.issues().size(), inspection.issues().toString());
        return inspection.issues().getFirst();
    }

    @ParameterizedTest
    @ValueSource(strings = {"l8_rgbn_strip_pixel.tif", "l8_rgbn_strip_band.tif", "l8_rgbn_tiled256_deflate_pred2.tif",
            "l8_rgbn_tiled512_lzw.tif", "l8_rgbn_tiled_zstd.tif", "l8_rgbn_cog.tif", "l8_rgbn_bigtiff.tif",
            "l8_rgbn_nodata0.tif"})
    void readableVariantsPassWithTheModelsExpectations(String name) {
        SceneInspector.Inspection inspection = file(name,
                new Expectations(RGBN, "uint16", Crs.parse("EPSG:32616"), Set.of()));
        assertTrue(inspection.valid(), inspection.issues().toString());
        Scene scene = inspection.scene();
        assertEquals(627, scene.width());
        assertEquals(603, scene.height());
        assertEquals(RGBN_NAMES, scene.bandNames());
        assertEquals(Instant.parse("2015-08-04T16:19:21Z"), scene.acquired());
        assertEquals("EPSG:32616", scene.crs().label());
    }

    @Test
    void nodataIsTakenFromTheFile() {
        Scene scene = file("l8_rgbn_nodata0.tif", Expectations.none()).scene();
        assertEquals(0.0, scene.bands().getFirst().nodata());
    }

    /** Landsat Level-1 files carry no nodata tag: the card's fill applies to them, never over the scene's own word. */
    @Test
    void theCardsNodataAppliesWhereNeitherTheConfigurationNorTheFileSaysOne() {
        List<BandSpec> withFill = RGBN.stream().map(b -> new BandSpec(b.name(), b.commonName(), 1, 0, 7.0)).toList();
        Expectations model = new Expectations(withFill, "uint16", null, Set.of());
        assertEquals(7.0, file("l8_rgbn_cog.tif", model).scene().bands().getFirst().nodata(), "no tag: the card's");
        assertEquals(0.0, file("l8_rgbn_nodata0.tif", model).scene().bands().getFirst().nodata(), "the file's tag");
        SceneSpec configured = new SceneSpec("s", variant("l8_rgbn_nodata0.tif"), null, null, null, 65535.0, null);
        assertEquals(65535.0, SceneInspector.inspect(configured, model).scene().bands().getFirst().nodata(),
                "the configuration's");
        assertEquals(null, file("l8_rgbn_cog.tif", new Expectations(RGBN, "uint16", null, Set.of())).scene().bands()
                .getFirst().nodata(), "none anywhere");
    }

    @Test
    void aConfiguredNodataThatNoPixelCanHaveIsAnIssueNamingTheFileAndTheRange() {
        for (double nodata : new double[]{655350, -5, 8000.5}) {
            SceneSpec spec = new SceneSpec("s", variant("l8_rgbn_cog.tif"), null, null, null, nodata, null);
            ValidationIssue issue = only(SceneInspector.inspect(spec, Expectations.none()));
            assertEquals("nodata", issue.check());
            assertEquals(variant("l8_rgbn_cog.tif"), issue.file());
            assertTrue(issue.message().endsWith(" (the scene's nodata:), which no uint16 pixel can have, expected a "
                    + "whole number in [0, 65535]"), issue.message());
        }
        assertTrue(only(SceneInspector.inspect(new SceneSpec("s", variant("l8_rgbn_cog.tif"), null, null, null,
                655350.0, null), Expectations.none())).found().startsWith("655350 "), "said as written");
        SceneSpec fine = new SceneSpec("s", variant("l8_rgbn_cog.tif"), null, null, null, 65535.0, null);
        assertTrue(SceneInspector.inspect(fine, Expectations.none()).valid());
    }

    @Test
    void notATiffIsUnreadable() {
        ValidationIssue issue = only(file("not_a_tiff.tif", Expectations.none()));
        assertEquals(variant("not_a_tiff.tif"), issue.file());
        assertEquals("readable", issue.check());
        assertEquals("cannot open: not recognized as a supported file format", issue.found());
        assertEquals(variant("not_a_tiff.tif") + ": readable: found cannot open: not recognized as a supported file "
                + "format, expected a readable GeoTIFF", issue.message());
    }

    @Test
    void aTruncatedFileFailsTheIntegrityCheck() {
        ValidationIssue issue = only(file("l8_rgbn_truncated.tif", Expectations.none()));
        assertEquals("integrity", issue.check());
        assertTrue(issue.found().contains("truncated"), issue.found());
    }

    @Test
    void aFileWithoutCrsIsRejected() {
        // A plain TIFF: no georeferencing and no TIFF tags at all, so no acquisition time either.
        ValidationIssue issue = file("l8_rgbn_no_crs.tif", Expectations.none()).issues().getFirst();
        assertEquals("crs", issue.check());
        assertEquals("no coordinate reference system", issue.found());
    }

    @Test
    void aMissingAcquisitionTimeIsRejectedUnlessConfigured() {
        ValidationIssue issue = only(file("l8_rgbn_no_datetime.tif", Expectations.none()));
        assertEquals("acquisition-time", issue.check());
        SceneSpec withTime = new SceneSpec("s", variant("l8_rgbn_no_datetime.tif"), null, null, null, null,
                Instant.parse("2015-08-04T16:19:21Z"));
        assertTrue(SceneInspector.inspect(withTime, Expectations.none()).valid());
    }

    @Test
    void aCrsOtherThanTheConfiguredOneIsRejected() {
        ValidationIssue issue = only(file("l8_rgbn_epsg4326.tif",
                new Expectations(null, null, Crs.parse("EPSG:32616"), Set.of())));
        assertEquals("crs-config", issue.check());
        assertEquals("EPSG:4326", issue.found());
        assertEquals("EPSG:32616 as configured", issue.expected());
    }

    @Test
    void bandCountAndDataTypeMustMatchTheModel() {
        ValidationIssue count = only(file("l8_rgb_3band.tif", new Expectations(RGBN, "uint16", null, Set.of())));
        assertEquals("band-count", count.check());
        assertEquals("3 bands", count.found());
        ValidationIssue type = only(file("l8_rgbn_float32.tif", new Expectations(RGBN, "uint16", null, Set.of())));
        assertEquals("data-type", type.check());
        assertEquals("float32 in bands 1, 2, 3, 4", type.found(), "one issue for the file, not one a band");
    }

    @Test
    void aHostThatDoesNotAnswerCostsOneTimeoutNotOnePerBandFile() throws Exception {
        List<String> names = List.of("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B9", "B10", "B11");
        try (RangeHttpServer http = RangeHttpServer.serve(SharedData.LANDSAT)) {
            new ObjectStoreOptions(null, null, null, null, 1, 1, 0, 0.1).apply(); // 1 s, no retry
            Map<String, String> bands = new LinkedHashMap<>();
            for (String name : names) {
                http.hang(name + ".tif");
                bands.put(name, http.url(name + ".tif"));
            }
            long start = System.nanoTime();
            List<ValidationIssue> issues = SceneInspector.inspect(new SceneSpec("l8", null, null, bands, null, null,
                    Instant.parse("2015-08-04T00:00:00Z")), Expectations.none()).issues();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(names.size(), issues.size(), "each band file is reported: " + issues);
            assertEquals(List.of(SceneInspector.REACHABLE), issues.stream().map(ValidationIssue::check).distinct()
                    .toList(), "the network's failure, which may pass later: not \"readable\"");
            assertTrue(issues.getFirst().found().contains("timed out"), issues.getFirst().message());
            assertTrue(issues.getLast().found().startsWith("not tried: http://127.0.0.1:"),
                    issues.getLast().message());
            assertEquals(1, http.requests(), "one request to the silent host, not one per band file");
            assertTrue(seconds < 5, "one timeout of 1 s, not " + names.size() + ": " + seconds + " s");
        } finally {
            new ObjectStoreOptions(null, null, null, null, 60, 10, 3, 1.0).apply(); // tileinfer's defaults
        }
    }

    @Test
    void bandsOfDifferentCrsInOneStackAreRejected() {
        Map<String, String> bands = new LinkedHashMap<>();
        bands.put("B2", landsat("B2"));
        bands.put("B3", variant("l8_rgbn_epsg4326.tif"));
        ValidationIssue issue = SceneInspector.inspect(new SceneSpec("s", null, null, bands, null, null,
                Instant.parse("2015-08-04T00:00:00Z")), Expectations.none()).issues().stream()
                .filter(i -> i.check().equals("crs-consistency")).findFirst().orElseThrow();
        assertEquals("EPSG:4326", issue.found());
    }

    @Test
    void sentinel2BandsOfDifferentResolutionsDoNotShareAGrid() {
        Map<String, String> bands = new LinkedHashMap<>();
        bands.put("B05", SharedData.SENTINEL.resolve("B05.tif").toString());
        bands.put("B01", SharedData.SENTINEL.resolve("B01.tif").toString());
        List<ValidationIssue> issues = SceneInspector.inspect(new SceneSpec("s2", null, null, bands, null, null,
                Instant.parse("2016-01-12T00:00:00Z")), Expectations.none()).issues();
        ValidationIssue grid = only(new SceneInspector.Inspection("s2", "", null, issues, null));
        assertEquals("grid", grid.check());
        assertEquals("322x324 pixels of 60x60 at origin (435720, 4179480)", grid.found());
        assertTrue(grid.expected().startsWith("967x973 pixels of 20x20 at origin (435720, 4179460)"));
    }

    @Test
    void landsatBandsTakeTheirTimeFromTheMtlFileAndMatchTheModelByName() {
        Map<String, String> bands = new LinkedHashMap<>();
        for (String band : List.of("B5", "B4", "B3", "B2", "BQA")) {
            bands.put(band, landsat(band));
        }
        SceneInspector.Inspection inspection = SceneInspector.inspect(
                new SceneSpec("l8", null, null, bands, null, null, null),
                new Expectations(RGBN, "uint16", null, Set.of()));
        assertTrue(inspection.valid(), inspection.issues().toString());
        assertEquals(RGBN_NAMES, inspection.scene().bandNames());
        assertEquals(landsat("B2"), inspection.scene().bands().getFirst().location());
        assertEquals(Instant.parse("2015-08-04T16:19:21.7917421Z"), inspection.scene().acquired());
    }

    @Test
    void bandNamesThatDoNotCoverTheFileSayHowManyOfEach() {
        SceneSpec twoNames = new SceneSpec("s", variant("l8_rgbn_cog.tif"), List.of("B2", "B3"), null, null, null,
                null);
        ValidationIssue issue = only(SceneInspector.inspect(twoNames, new Expectations(RGBN, "uint16", null, Set.of())));
        assertEquals(variant("l8_rgbn_cog.tif") + ": band-count: found 4 bands in the file and 2 names in band_names "
                + "[B2, B3], expected one name per band", issue.message());
    }

    /**
     * A file whose band descriptions name the model's bands in another order (B5, B4, B3, B2) is read by name: the
     * band map picks file band 4 for the model's B2, and a tile reads as the same tile of the file in the model's
     * order, value for value. Extra bands are left out; common names count as the model's names do.
     */
    @Test
    void bandsDescribedInAnotherOrderAreReadByTheirNames(@TempDir Path dir) throws IOException {
        Path cog = Path.of(variant("l8_rgbn_cog.tif"));
        Path reversed = SharedData.describedBands(cog, dir.resolve("reversed.tif"), new int[]{4, 3, 2, 1},
                "B5", "B4", "B3", "B2");
        Path extra = SharedData.describedBands(cog, dir.resolve("extra.tif"), new int[]{3, 4, 1, 2, 1},
                "red", "nir08", "B2", "green", "coastal");
        Expectations model = new Expectations(RGBN, "uint16", Crs.parse("EPSG:32616"), Set.of());
        Scene original = SceneInspector.inspect(new SceneSpec("s", cog.toString(), null, null, null, null, null),
                model).scene();
        Map<Path, List<Integer>> fileBands = Map.of(reversed, List.of(4, 3, 2, 1), extra, List.of(3, 4, 1, 2));
        for (Map.Entry<Path, List<Integer>> file : fileBands.entrySet()) {
            SceneInspector.Inspection inspection = SceneInspector.inspect(
                    new SceneSpec("s", file.getKey().toString(), null, null, null, null, null), model);
            assertTrue(inspection.valid(), inspection.issues().toString());
            Scene scene = inspection.scene();
            assertEquals(RGBN_NAMES, scene.bandNames());
            assertEquals(file.getValue(), scene.bands().stream().map(SceneBand::index).toList(), file.getKey()
                    .toString());
            Tile tile = new TileGrid(scene.width(), scene.height(), 64, 8).tiles("s").get(30);
            try (TileReader byName = new TileReader(scene, 64); TileReader inOrder = new TileReader(original, 64)) {
                TileData read = byName.read(tile);
                TileData expected = inOrder.read(tile);
                assertArrayEquals(expected.raw(), read.raw());
                assertEquals(expected.inputSha256(), read.inputSha256());
            }
        }
    }

    /**
     * Descriptions that name only some of the model's bands, at other positions than the model's, are an issue:
     * matched by position, the file's B5 would be fed as the model's B2. band_names overrides the descriptions.
     */
    @Test
    void bandsDescribedAtOtherPositionsButNotAllNamedAreAnIssueUnlessBandNamesSay(@TempDir Path dir)
            throws IOException {
        Path partly = SharedData.describedBands(Path.of(variant("l8_rgbn_cog.tif")), dir.resolve("partly.tif"),
                new int[]{4, 2, 3, 1}, "B5", "B3", "", "");
        Expectations model = new Expectations(RGBN, "uint16", null, Set.of());
        ValidationIssue issue = only(SceneInspector.inspect(
                new SceneSpec("s", partly.toString(), null, null, null, null, null), model));
        assertEquals(partly + ": bands: found band descriptions [B5, B3, (none), (none)] that name only some of the "
                + "model's bands, at other positions (by position: band 1 described \"B5\" as B2), expected "
                + "descriptions naming all the model's bands [B2, B3, B4, B5] (read by name, in any order), or "
                + "band_names", issue.message());

        SceneSpec declared = new SceneSpec("s", partly.toString(), List.of("B5", "B3", "B4", "B2"), null, null, null,
                null);
        Path reversed = SharedData.describedBands(Path.of(variant("l8_rgbn_cog.tif")), dir.resolve("reversed.tif"),
                new int[]{4, 3, 2, 1}, "B5", "B4", "B3", "B2");
        SceneSpec reversedAsDeclared = new SceneSpec("s", reversed.toString(), RGBN_NAMES, null, null, null, null);
        assertEquals(List.of(4, 2, 3, 1), SceneInspector.inspect(declared, model).scene().bands().stream()
                .map(SceneBand::index).toList());
        Logger logger = (Logger) LoggerFactory.getLogger(SceneInspector.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            assertEquals(List.of(1, 2, 3, 4), SceneInspector.inspect(reversedAsDeclared, model).scene().bands()
                    .stream().map(SceneBand::index).toList(), "band_names as declared, whatever the descriptions say");
        } finally {
            logger.detachAppender(logged);
        }
        assertEquals(List.of(reversed + ": band_names [B2, B3, B4, B5] contradict the band descriptions, which name "
                + "every model band (band 1 is B2 by band_names, B5 by its description; band 2 is B3 by band_names, "
                + "B4 by its description; band 3 is B4 by band_names, B3 by its description; band 4 is B5 by "
                + "band_names, B2 by its description); read as band_names say"),
                logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList(), "but not without a word");
        assertTrue(SceneInspector.inspect(new SceneSpec("s", partly.toString(), null, null, null, null, null),
                Expectations.none()).valid(), "without a model, no band is matched");
    }

    @Test
    void missingModelBandsAreNamed() {
        Map<String, String> bands = Map.of("B2", landsat("B2"));
        ValidationIssue issue = only(SceneInspector.inspect(new SceneSpec("l8", null, null, bands, null, null, null),
                new Expectations(RGBN, "uint16", null, Set.of())));
        assertEquals("bands", issue.check());
        assertTrue(issue.expected().contains("missing [B3, B4, B5]"), issue.expected());
    }

    @Test
    void aStacItemGivesBandsByEoNameAndItsDatetime(@TempDir Path dir) throws IOException {
        Path item = SharedData.landsatStacItem(dir.resolve("item.json"));
        SceneInspector.Inspection inspection = SceneInspector.inspect(stac(item),
                new Expectations(RGBN, "uint16", null, Set.of()));
        assertTrue(inspection.valid(), inspection.issues().toString());
        assertNotNull(inspection.scene());
        assertEquals(landsat("B5"), inspection.scene().bands().get(3).location());
        assertEquals(Instant.parse("2015-08-04T16:19:21Z"), inspection.scene().acquired());
    }

    @Test
    void aStacItemWhoseAssetsAreKeyedByCommonNameGivesTheModelsBands(@TempDir Path dir) throws IOException {
        // as Earth Search names its assets: "blue", "nir08"..., with no eo:bands names the card would know
        String assets = String.join(",\n", List.of("blue:B2", "nir08:B5", "green:B3", "red:B4").stream()
                .map(a -> a.split(":")).map(a -> "\"%s\": {\"href\": \"%s\", \"type\": \"image/tiff\"}"
                        .formatted(a[0], landsat(a[1]))).toList());
        SceneInspector.Inspection inspection = SceneInspector.inspect(stac(item(dir, assets)),
                new Expectations(RGBN, "uint16", null, Set.of()));
        assertTrue(inspection.valid(), inspection.issues().toString());
        assertEquals(RGBN_NAMES, inspection.scene().bandNames());
        assertEquals(List.of(landsat("B2"), landsat("B3"), landsat("B4"), landsat("B5")),
                inspection.scene().bands().stream().map(SceneBand::location).toList(), "in the card's order");
    }

    /**
     * As Earth Search's items: beside the per-band assets, a three-band "visual" composite and files the model does
     * not use. Those are neither opened nor judged with a model (the broken one would be an issue), and judged
     * without one.
     */
    @Test
    void assetsTheModelDoesNotUseAreNotOpenedAndACompositeIsNoBand(@TempDir Path dir) throws IOException {
        Path item = item(dir, """
                  "blue": {"href": "%s", "type": "image/tiff", "eo:bands": [{"name": "B2"}]},
                  "green": {"href": "%s", "type": "image/tiff", "eo:bands": [{"name": "B3"}]},
                  "red": {"href": "%s", "type": "image/tiff", "eo:bands": [{"name": "B4"}]},
                  "nir": {"href": "%s", "type": "image/tiff", "eo:bands": [{"name": "B5"}]},
                  "visual": {"href": "%s", "type": "image/tiff", "eo:bands": [{"name": "B4"}, {"name": "B3"},
                             {"name": "B2"}]},
                  "scl": {"href": "%s", "type": "image/tiff", "eo:bands": [{"name": "SCL"}]}
                """.formatted(landsat("B2"), landsat("B3"), landsat("B4"), landsat("B5"), variant("l8_rgb_3band.tif"),
                variant("not_a_tiff.tif")));
        SceneSpec spec = stac(item);
        SceneInspector.Inspection inspection = SceneInspector.inspect(spec,
                new Expectations(RGBN, "uint16", null, Set.of()));
        assertTrue(inspection.valid(), inspection.issues().toString());
        assertEquals(List.of(landsat("B2"), landsat("B3"), landsat("B4"), landsat("B5")),
                inspection.scene().bands().stream().map(SceneBand::location).toList());
        ValidationIssue unused = only(SceneInspector.inspect(spec, Expectations.none()));
        assertEquals(variant("not_a_tiff.tif"), unused.file());
        assertEquals("readable", unused.check());
    }

    /** Taking the first asset that answers to a band would feed the model another band's pixels without a word. */
    @Test
    void aModelBandThatTwoAssetsAnswerToIsAnIssue(@TempDir Path dir) throws IOException {
        Path item = item(dir, """
                  "B4": {"href": "%s", "type": "image/tiff", "eo:bands": [{"name": "B3"}]},
                  "B3": {"href": "%s", "type": "image/tiff"},
                  "B2": {"href": "%s", "type": "image/tiff"},
                  "B5": {"href": "%s", "type": "image/tiff"}
                """.formatted(landsat("B4"), landsat("B3"), landsat("B2"), landsat("B5")));
        ValidationIssue issue = only(SceneInspector.inspect(stac(item),
                new Expectations(RGBN, "uint16", null, Set.of())));
        assertEquals(item + ": bands: found model band B3 in B4 (" + landsat("B4") + ") and B3 (" + landsat("B3")
                + "), expected one source for each of the model's bands " + RGBN_NAMES, issue.message());
    }

    /** Two assets on one file: the model would get the same pixels as two of its bands. */
    @Test
    void oneFileForTwoModelBandsIsAnIssue(@TempDir Path dir) throws IOException {
        Path item = item(dir, """
                  "B2": {"href": "%s", "type": "image/tiff"},
                  "B3": {"href": "%s", "type": "image/tiff"},
                  "B4": {"href": "%s", "type": "image/tiff"},
                  "nir": {"href": "%s", "type": "image/tiff", "eo:bands": [{"name": "B5"}]}
                """.formatted(landsat("B2"), landsat("B4"), landsat("B4"), landsat("B4")));
        List<ValidationIssue> issues = SceneInspector.inspect(stac(item),
                new Expectations(RGBN, "uint16", null, Set.of())).issues();
        assertEquals(List.of(item + ": bands: found B4 (" + landsat("B4") + ") for both model bands B3 and B4, "
                + "expected one source for each of the model's bands " + RGBN_NAMES, item + ": bands: found nir ("
                + landsat("B4") + ") for both model bands B3 and B5, expected one source for each of the model's "
                + "bands " + RGBN_NAMES), issues.stream().map(ValidationIssue::message).toList());
    }

    /** One report says every problem: an unreadable band file does not hide the others' issues. */
    @Test
    void anUnreadableBandDoesNotHideTheOtherBandsIssues() {
        Map<String, String> bands = new LinkedHashMap<>();
        bands.put("B2", variant("not_a_tiff.tif"));
        bands.put("B3", variant("l8_rgbn_epsg4326.tif"));
        bands.put("B4", landsat("B4"));
        bands.put("B5", landsat("B5"));
        List<ValidationIssue> issues = SceneInspector.inspect(new SceneSpec("s", null, null, bands, null, null,
                null), Expectations.none()).issues();
        assertEquals(List.of("readable", "band-count", "crs-consistency"),
                issues.stream().map(ValidationIssue::check).toList(), issues.toString());
    }

    /** The item is what to mend, not its first band file. */
    @Test
    void aStacItemWithoutDatetimeIsTheItemsIssue(@TempDir Path dir) throws IOException {
        Path band = Files.copy(Path.of(landsat("B2")), dir.resolve("B2.tif")); // away from the archive's MTL.txt
        Path item = Files.writeString(dir.resolve("item.json"), """
                {"type": "Feature", "stac_version": "1.0.0", "id": "no-time", "properties": {"datetime": null},
                 "assets": {"blue": {"href": "B2.tif", "type": "image/tiff"}}}""");
        ValidationIssue issue = only(SceneInspector.inspect(new SceneSpec("x", null, null, null, item.toString(),
                null, null), Expectations.none()));
        assertEquals(item + ": acquisition-time: found no properties.datetime (nor a start_datetime and end_datetime, "
                + "nor a TIFFTAG_DATETIME in " + band + "), expected an acquisition time (or `acquired:` in the scene's configuration)",
                issue.message());
    }

    @Test
    void aBrokenStacItemIsReported(@TempDir Path dir) throws IOException {
        Path item = dir.resolve("item.json");
        Files.writeString(item, "{\"type\": \"FeatureCollection\"}");
        ValidationIssue issue = only(SceneInspector.inspect(new SceneSpec("x", null, null, null, item.toString(),
                null, null), Expectations.none()));
        assertEquals(item + ": type: found \"FeatureCollection\", expected \"Feature\" (a STAC Item)", issue.message());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'\"2015-13-45T99:00:00\"' | '\"2015-13-45T99:00:00\"'",
            "'\"2015-08-04\"'          | '\"2015-08-04\" (a date without a time)'",
            "'20150804'                  | '20150804 (a number)'"})
    void aStacDatetimeThatIsNoDateTimeIsTheItemsIssue(String datetime, String found, @TempDir Path dir)
            throws IOException {
        Path item = SharedData.landsatStacItem(dir.resolve("item.json"));
        Files.writeString(item, Files.readString(item).replace("\"2015-08-04T16:19:21Z\"", datetime));
        ValidationIssue issue = only(SceneInspector.inspect(new SceneSpec("x", null, null, null, item.toString(),
                null, null), Expectations.none()));
        assertEquals(item + ": properties.datetime: found " + found + ", expected an RFC 3339 date-time with a time "
                + "zone (Z or ±hh:mm), such as 2015-08-04T16:19:21Z", issue.message());
    }

    /** A composite's item: no datetime, a range instead; the scene keeps the range, a configured time wins. */
    @Test
    void aStacItemsRangeIsTheScenesAcquisition(@TempDir Path dir) throws IOException {
        Path item = SharedData.landsatStacItem(dir.resolve("item.json"));
        Files.writeString(item, Files.readString(item).replace("\"datetime\": \"2015-08-04T16:19:21Z\"",
                "\"datetime\": null, \"start_datetime\": \"2015-08-01T00:00:00Z\", "
                        + "\"end_datetime\": \"2015-08-31T23:59:59+02:00\""));
        SceneInspector.Inspection inspection = SceneInspector.inspect(stac(item), Expectations.none());
        assertEquals(List.of(), inspection.issues());
        Scene scene = inspection.scene();
        assertEquals(Instant.parse("2015-08-01T00:00:00Z"), scene.acquired());
        assertEquals(Instant.parse("2015-08-31T21:59:59Z"), scene.acquiredUntil());
        assertEquals("2015-08-01T00:00:00Z/2015-08-31T21:59:59Z", scene.acquisition());

        Instant configured = Instant.parse("2015-08-15T10:00:00Z");
        Scene given = SceneInspector.inspect(new SceneSpec("stac", null, null, null, item.toString(), null,
                configured), Expectations.none()).scene();
        assertEquals(configured, given.acquired());
        assertEquals(null, given.acquiredUntil());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'\"start_datetime\": \"2015-08-01T00:00:00Z\"' | 'properties.end_datetime: found nothing, expected "
                    + "an RFC 3339 date-time with a time zone (Z or ±hh:mm), such as 2015-08-04T16:19:21Z (STAC "
                    + "requires start_datetime and end_datetime when datetime is null)'",
            "'\"start_datetime\": \"2015-08-31T00:00:00Z\", \"end_datetime\": \"2015-08-01T00:00:00Z\"' | "
                    + "'properties.end_datetime: found 2015-08-01T00:00:00Z, before start_datetime "
                    + "2015-08-31T00:00:00Z, expected a time at or after start_datetime'",
            "'\"start_datetime\": 2015, \"end_datetime\": \"2015-08-01T00:00:00Z\"' | "
                    + "'properties.start_datetime: found 2015 (a number), expected an RFC 3339 date-time with a time "
                    + "zone (Z or ±hh:mm), such as 2015-08-04T16:19:21Z'"})
    void aStacRangeThatIsNoRangeIsTheItemsIssue(String range, String issue, @TempDir Path dir) throws IOException {
        Path item = SharedData.landsatStacItem(dir.resolve("item.json"));
        Files.writeString(item, Files.readString(item).replace("\"datetime\": \"2015-08-04T16:19:21Z\"",
                "\"datetime\": null, " + range));
        assertEquals(item + ": " + issue, only(SceneInspector.inspect(stac(item), Expectations.none())).message());
        // unless the item's time is not needed: the configuration's wins
        Instant configured = Instant.parse("2015-08-15T10:00:00Z");
        SceneInspector.Inspection given = SceneInspector.inspect(new SceneSpec("stac", null, null, null,
                item.toString(), null, configured), Expectations.none());
        assertEquals(List.of(), given.issues());
        assertEquals(configured, given.scene().acquired());
    }

    /** A STAC Item acquired when the Landsat sample was, with {@code assets}: the members of its assets object. */
    private static Path item(Path dir, String assets) throws IOException {
        return Files.writeString(dir.resolve("item.json"), """
                {"type": "Feature", "stac_version": "1.0.0", "id": "item",
                 "properties": {"datetime": "2015-08-04T16:19:21Z"}, "assets": {%s}}""".formatted(assets));
    }

    private static final List<BandSpec> RGBN_CORRECTED = RGBN.stream()
            .map(b -> new BandSpec(b.name(), b.commonName(), 2.0E-5, -0.1, 0.0, true)).toList();

    private static Map<String, String> landsatRgbn() {
        Map<String, String> bands = new LinkedHashMap<>();
        for (String band : RGBN_NAMES) {
            bands.put(band, landsat(band));
        }
        return bands;
    }

    /**
     * A model whose bands are corrected for the sun angle gets each scene's sun elevation: the configuration's, else
     * the Landsat MTL.txt's beside the files, else computed for the acquisition time at the scene's centre; a model
     * without such bands gets none.
     */
    @Test
    void aSunAngleCorrectedModelGetsTheScenesSunElevation() {
        Expectations corrected = new Expectations(RGBN_CORRECTED, "uint16", null, Set.of());
        Scene mtl = SceneInspector.inspect(new SceneSpec("l8", null, null, landsatRgbn(), null, null, null), corrected)
                .scene();
        assertEquals(64.74360932, mtl.sunElevation(), "SUN_ELEVATION of the MTL.txt beside the bands");

        Scene configured = SceneInspector.inspect(new SceneSpec("l8", null, null, landsatRgbn(), null, null, null,
                40.0), corrected).scene();
        assertEquals(40.0, configured.sunElevation(), "the configuration's wins");

        // the same scene's crop without its MTL.txt: NREL's SPA for 16:19:21 UTC at the crop's centre, 60 km
        // north-west of the scene's (where it gives the MTL.txt's 64.7436: SunElevationsTest)
        Scene computed = file("l8_rgbn_cog.tif", corrected).scene();
        assertEquals(64.255, computed.sunElevation(), 0.001);

        assertNull(file("l8_rgbn_cog.tif", new Expectations(RGBN, "uint16", null, Set.of())).scene().sunElevation(),
                "a model without corrected bands needs none");
    }

    @Test
    void aSunAngleCorrectedModelRefusesASceneWithoutASunElevation() {
        Expectations corrected = new Expectations(RGBN_CORRECTED, "uint16", null, Set.of("acquisition-time"));
        ValidationIssue none = only(file("l8_rgbn_no_datetime.tif", corrected));
        assertEquals(variant("l8_rgbn_no_datetime.tif") + ": sun-elevation: found none: no `sun_elevation:` in the "
                + "scene's configuration, no view:sun_elevation in a STAC item, no Landsat MTL.txt beside local "
                + "files, and no acquisition time to compute it from, expected the sun's elevation at the scene in "
                + "degrees (the model divides bands [B2, B3, B4, B5] by its sine)", none.message());

        // 03:00 UTC on 4 August is night in Mississippi: no reflectance to correct
        ValidationIssue night = only(SceneInspector.inspect(new SceneSpec("s", variant("l8_rgbn_no_datetime.tif"),
                null, null, null, null, Instant.parse("2015-08-04T03:00:00Z")), corrected));
        assertEquals("sun-elevation", night.check());
        assertTrue(night.found().matches("-26\\.01\\d+ degrees \\(computed for 2015-08-04T03:00:00Z at the scene's "
                + "centre, 30\\.7287° N 87\\.3982° W\\)"), night.found());
    }

    /** An MTL.txt is the scene's only when it is the one beside its files, of its day, with a number in it. */
    @Test
    void anMtlThatMayNotBeTheScenesGivesNoSunElevation(@TempDir Path dir) throws IOException {
        Expectations corrected = new Expectations(RGBN_CORRECTED, "uint16", null, Set.of());
        Map<String, String> bands = landsatRgbnIn(dir);
        String mtl = SAMPLE_MTL;
        Files.writeString(dir.resolve("LC08_A_MTL.txt"), mtl);
        Files.writeString(dir.resolve("LC08_B_MTL.txt"), mtl.replace("SUN_ELEVATION = 64.74360932",
                "SUN_ELEVATION = 30.1"));
        // a configured time: the MTL.txt files are no time's source (for theirs: severalMtlsGiveNoAcquisitionTime)
        ValidationIssue two = only(SceneInspector.inspect(new SceneSpec("l8", null, null, bands, null, null,
                Instant.parse("2015-08-04T16:19:21Z")), corrected));
        assertEquals(dir.resolve("B2.tif") + ": sun-elevation: found 2 Landsat MTL.txt files beside it "
                + "[LC08_A_MTL.txt, LC08_B_MTL.txt], expected one, the scene's, or `sun_elevation:` in the scene's "
                + "configuration (the model divides bands [B2, B3, B4, B5] by its sine)", two.message());

        Files.delete(dir.resolve("LC08_B_MTL.txt"));
        ValidationIssue otherDay = only(SceneInspector.inspect(new SceneSpec("l8", null, null, bands, null, null,
                Instant.parse("2015-12-20T16:19:21Z")), corrected));
        assertEquals(dir.resolve("LC08_A_MTL.txt") + ": sun-elevation: found DATE_ACQUIRED = 2015-08-04, beside a "
                + "scene acquired 2015-12-20T16:19:21Z, expected the scene's own MTL.txt, or `sun_elevation:` in the "
                + "scene's configuration (the model divides bands [B2, B3, B4, B5] by its sine)", otherDay.message());

        // a DATE_ACQUIRED that is no date: its SUN_ELEVATION may be another day's (the sun computed for the time)
        Files.writeString(dir.resolve("LC08_A_MTL.txt"), mtl.replace("DATE_ACQUIRED = 2015-08-04",
                "DATE_ACQUIRED = 2015-13-45"));
        SceneInspector.Inspection undated = SceneInspector.inspect(new SceneSpec("l8", null, null, bands, null, null,
                Instant.parse("2015-08-04T16:19:21Z")), corrected);
        assertTrue(undated.valid(), undated.issues().toString());
        assertTrue(undated.scene().sun().source().startsWith("computed for 2015-08-04T16:19:21Z"),
                undated.scene().sun().source());

        Files.writeString(dir.resolve("LC08_A_MTL.txt"), mtl.replace("SUN_ELEVATION = 64.74360932",
                "SUN_ELEVATION = \"64.7\""));
        assertEquals(dir.resolve("LC08_A_MTL.txt") + ": sun-elevation: found SUN_ELEVATION = \"64.7\", expected a "
                + "number of degrees (the model divides bands [B2, B3, B4, B5] by its sine)",
                only(SceneInspector.inspect(new SceneSpec("l8", null, null, bands, null, null, null), corrected))
                        .message());
    }

    /** The sample scene's MTL.txt: DATE_ACQUIRED 2015-08-04, SCENE_CENTER_TIME "16:19:21.7917421Z". */
    private static final String SAMPLE_MTL = sampleMtl();

    private static String sampleMtl() {
        try {
            return Files.readString(Path.of(landsat("B2")).resolveSibling("MTL.txt"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sample's B2-B5 linked into {@code dir}, away from the archive's MTL.txt, for one written there. */
    private static Map<String, String> landsatRgbnIn(Path dir) throws IOException {
        Map<String, String> bands = new LinkedHashMap<>();
        for (String band : RGBN_NAMES) {
            bands.put(band, Files.createSymbolicLink(dir.resolve(band + ".tif"), Path.of(landsat(band))).toString());
        }
        return bands;
    }

    /**
     * DATE_ACQUIRED names a day, not an instant: without a SCENE_CENTER_TIME that is a time of day, an MTL.txt gives
     * no acquisition time (it gave midnight UTC, and for a model corrected for the sun angle the elevation of an
     * evening sun over Alabama, 7.5° instead of 64.7°: reflectance 7 times too high, silently), and the issue
     * names the MTL.txt and the line to add.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                   | but no SCENE_CENTER_TIME",
            "'    SCENE_CENTER_TIME = \"noon\"'     | and SCENE_CENTER_TIME = \"noon\", which is no time of day",
            "'    SCENE_CENTER_TIME = \"25:61:00Z\"' | and SCENE_CENTER_TIME = \"25:61:00Z\", which is no time of day",
            "'    SCENE_CENTER_TIME =  '             | and SCENE_CENTER_TIME with no value"})
    void anMtlWithADayButNoTimeOfDayGivesNoAcquisitionTime(String timeLine, String found, @TempDir Path dir)
            throws IOException {
        Map<String, String> bands = landsatRgbnIn(dir);
        Path mtl = Files.writeString(dir.resolve("LC08_MTL.txt"), SAMPLE_MTL
                .replace("    SCENE_CENTER_TIME = \"16:19:21.7917421Z\"", timeLine)
                .replace("    SUN_ELEVATION = 64.74360932\n", ""));
        assertFalse(Files.readString(mtl).contains("SUN_ELEVATION"), "the sun computed, as it was for midnight");
        String expected = mtl + ": acquisition-time: found DATE_ACQUIRED = 2015-08-04 " + found + " (and "
                + dir.resolve("B2.tif") + " has no TIFFTAG_DATETIME), expected a SCENE_CENTER_TIME line with the "
                + "scene's time of day in UTC, such as SCENE_CENTER_TIME = \"16:19:21.7917421Z\", or `acquired:` in "
                + "the scene's configuration";
        // for a model corrected for the sun angle too: no sun-elevation issue computed for midnight
        SceneSpec scene = new SceneSpec("l8", null, null, bands, null, null, null);
        assertTheOneIssueWithAndWithoutSunCorrection(expected, scene);
    }

    private static void assertTheOneIssueWithAndWithoutSunCorrection(String expected, SceneSpec scene) {
        assertEquals(expected, only(SceneInspector.inspect(scene, Expectations.none())).message());
        assertEquals(expected, only(SceneInspector.inspect(scene, new Expectations(RGBN_CORRECTED, "uint16", null,
                Set.of()))).message());
    }

    /**
     * An MTL.txt without a SCENE_CENTER_TIME still gives its SUN_ELEVATION, the value at its DATE_ACQUIRED's scene:
     * for a scene at a configured time of that day, or at an unknown time (its check skipped). Without one, at an
     * unknown time, the sun-elevation issue names the MTL.txt.
     */
    @Test
    void anMtlWithoutASceneCenterTimeStillGivesItsSunElevation(@TempDir Path dir) throws IOException {
        Map<String, String> bands = landsatRgbnIn(dir);
        String untimed = SAMPLE_MTL.replace("    SCENE_CENTER_TIME = \"16:19:21.7917421Z\"\n", "");
        Path mtl = Files.writeString(dir.resolve("LC08_MTL.txt"), untimed);
        Expectations corrected = new Expectations(RGBN_CORRECTED, "uint16", null, Set.of());
        Instant configured = Instant.parse("2015-08-04T16:19:21Z");
        SceneInspector.Inspection given = SceneInspector.inspect(new SceneSpec("l8", null, null, bands, null, null,
                configured), corrected);
        assertTrue(given.valid(), given.issues().toString());
        assertEquals(configured, given.scene().acquired());
        assertEquals(new SunElevation(64.74360932, "SUN_ELEVATION of " + mtl), given.scene().sun());

        Expectations untimedCorrected = new Expectations(RGBN_CORRECTED, "uint16", null, Set.of("acquisition-time"));
        SceneSpec scene = new SceneSpec("l8", null, null, bands, null, null, null);
        SceneInspector.Inspection unknown = SceneInspector.inspect(scene, untimedCorrected);
        assertTrue(unknown.valid(), unknown.issues().toString());
        assertNull(unknown.scene().acquired(), "the day alone is no time");
        assertEquals(new SunElevation(64.74360932, "SUN_ELEVATION of " + mtl), unknown.scene().sun());

        Files.writeString(mtl, untimed.replace("    SUN_ELEVATION = 64.74360932\n", ""));
        assertEquals(String.join(", ", bands.values()) + ": sun-elevation: found none: no `sun_elevation:` in the "
                + "scene's configuration, no view:sun_elevation in a STAC item, no SUN_ELEVATION in " + mtl + ", and "
                + "no acquisition time to compute it from, expected the sun's elevation at the scene in degrees "
                + "(the model divides bands [B2, B3, B4, B5] by its sine)",
                only(SceneInspector.inspect(scene, untimedCorrected)).message());
    }

    /**
     * Several MTL.txt files beside the bands: which is the scene's would be a guess, for its time as for its sun
     * elevation (the time was the first's by name). One whose DATE_ACQUIRED is no date is one of them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"DATE_ACQUIRED = 2015-08-04", "DATE_ACQUIRED = 2015-13-45"})
    void severalMtlsGiveNoAcquisitionTime(String otherDay, @TempDir Path dir) throws IOException {
        Map<String, String> bands = landsatRgbnIn(dir);
        Files.writeString(dir.resolve("LC08_A_MTL.txt"), SAMPLE_MTL);
        Files.writeString(dir.resolve("LC08_B_MTL.txt"), SAMPLE_MTL.replace("DATE_ACQUIRED = 2015-08-04", otherDay)
                .replace("SCENE_CENTER_TIME = \"16:19:21.7917421Z\"", "SCENE_CENTER_TIME = \"03:00:00Z\""));
        String expected = dir.resolve("B2.tif") + ": acquisition-time: found 2 Landsat MTL.txt files beside it "
                + "[LC08_A_MTL.txt, LC08_B_MTL.txt] (and no TIFFTAG_DATETIME in it), expected one, the scene's, or "
                + "`acquired:` in the scene's configuration";
        SceneSpec scene = new SceneSpec("l8", null, null, bands, null, null, null);
        // for a model corrected for the sun angle too: the sun's issue follows once there is a time
        assertTheOneIssueWithAndWithoutSunCorrection(expected, scene);
        // the check skipped: no time rather than the first's
        SceneInspector.Inspection unchecked = SceneInspector.inspect(scene, new Expectations(RGBN, "uint16", null,
                Set.of("acquisition-time")));
        assertTrue(unchecked.valid(), unchecked.issues().toString());
        assertNull(unchecked.scene().acquired(), "the first MTL.txt's time");
    }

    /**
     * A line of an MTL.txt with no value is its field without a usable one, and the issue names the MTL.txt and the
     * field: never the next line's value (a bare number there was taken for it), nor "no such line".
     */
    @Test
    void anMtlLineWithNoValueIsAFieldWithoutAValue(@TempDir Path dir) throws IOException {
        Map<String, String> bands = landsatRgbnIn(dir);
        Path mtl = dir.resolve("LC08_MTL.txt");
        SceneSpec scene = new SceneSpec("l8", null, null, bands, null, null, null);
        Expectations corrected = new Expectations(RGBN_CORRECTED, "uint16", null, Set.of());
        for (String empty : List.of("SUN_ELEVATION =\n    30.1", "SUN_ELEVATION = \t")) {
            Files.writeString(mtl, SAMPLE_MTL.replace("SUN_ELEVATION = 64.74360932", empty));
            assertEquals(mtl + ": sun-elevation: found SUN_ELEVATION with no value, expected a number of degrees "
                    + "(the model divides bands [B2, B3, B4, B5] by its sine)",
                    only(SceneInspector.inspect(scene, corrected)).message(), empty);
        }

        Map<String, String> dates = new LinkedHashMap<>();
        dates.put("DATE_ACQUIRED =\n    2015-08-04", "DATE_ACQUIRED with no value");
        dates.put("DATE_ACQUIRED =", "DATE_ACQUIRED with no value");
        dates.put("DATE_ACQUIRED = 2015-13-45", "DATE_ACQUIRED = 2015-13-45, which is no date");
        for (Map.Entry<String, String> date : dates.entrySet()) {
            Files.writeString(mtl, SAMPLE_MTL.replace("DATE_ACQUIRED = 2015-08-04", date.getKey()));
            assertEquals(mtl + ": acquisition-time: found " + date.getValue() + " (and " + dir.resolve("B2.tif")
                    + " has no TIFFTAG_DATETIME), expected a DATE_ACQUIRED line with the scene's day in UTC, such as "
                    + "DATE_ACQUIRED = 2015-08-04, or `acquired:` in the scene's configuration",
                    only(SceneInspector.inspect(scene, Expectations.none())).message(), date.getKey());
        }
        // its SUN_ELEVATION may be another day's: at an unknown time, none (at a known one, the sun is computed)
        Files.writeString(mtl, SAMPLE_MTL.replace("DATE_ACQUIRED = 2015-08-04", "DATE_ACQUIRED = "));
        assertEquals(String.join(", ", bands.values()) + ": sun-elevation: found none: no `sun_elevation:` in the "
                + "scene's configuration, no view:sun_elevation in a STAC item, no SUN_ELEVATION of a known day in "
                + mtl + " (DATE_ACQUIRED with no value), and no acquisition time to compute it from, expected the "
                + "sun's elevation at the scene in degrees (the model divides bands [B2, B3, B4, B5] by its sine)",
                only(SceneInspector.inspect(scene, new Expectations(RGBN_CORRECTED, "uint16", null,
                        Set.of("acquisition-time")))).message());
    }

    @Test
    void aStacItemGivesItsViewSunElevation(@TempDir Path dir) throws IOException {
        Expectations corrected = new Expectations(RGBN_CORRECTED, "uint16", null, Set.of());
        Path item = dir.resolve("item.json");
        StringBuilder assets = new StringBuilder();
        for (String band : RGBN_NAMES) {
            assets.append(assets.isEmpty() ? "" : ", ").append("\"").append(band).append("\": {\"href\": \"")
                    .append(landsat(band)).append("\", \"type\": \"image/tiff; application=geotiff\"}");
        }
        String json = "{\"type\": \"Feature\", \"id\": \"l8\", \"properties\": {\"datetime\": "
                + "\"2015-08-04T16:19:21Z\", \"view:sun_elevation\": SUN}, \"assets\": {" + assets + "}}";
        Files.writeString(item, json.replace("SUN", "50.5"));
        assertEquals(50.5, SceneInspector.inspect(stac(item), corrected).scene().sunElevation(),
                "the item's, not the MTL.txt's beside the bands");

        Files.writeString(item, json.replace("SUN", "\"high\""));
        assertEquals(item + ": properties.view:sun_elevation: found \"high\", expected degrees from -90 to 90 (STAC's "
                + "view extension)", only(SceneInspector.inspect(stac(item), corrected)).message());
        assertTrue(SceneInspector.inspect(stac(item), new Expectations(RGBN, "uint16", null, Set.of())).valid(),
                "an item's sun elevation matters only to a model that needs it");
    }

    private static SceneSpec stac(Path item) {
        return new SceneSpec("stac", null, null, null, item.toString(), null, null);
    }
}
