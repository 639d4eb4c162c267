package io.tileinfer.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void readsTheSampleConfiguration() {
        Path sample = Path.of(System.getProperty("tileinfer.repoRoot", "..")).resolve("configs/pipeline.yaml");
        PipelineConfig config = ConfigLoader.load(sample);
        assertEquals("production", config.model());
        assertEquals(1, config.scenes().size());
        SceneSpec scene = config.scenes().getFirst();
        assertEquals(10, scene.bandFiles().size());
        assertTrue(Path.of(scene.bandFiles().get("B1")).isAbsolute());
        assertEquals(64, config.sha256().length());
        assertEquals(256, config.tileSize());
    }

    @Test
    void resolvesRelativePathsAgainstTheFileAndKeepsUrls() throws IOException {
        PipelineConfig config = ConfigLoader.load(write("""
                scenes:
                  - id: a
                    file: data/a.tif
                  - id: b
                    file: https://example.org/b.tif
                  - stac: items/c.json
                """));
        assertEquals(dir.resolve("data/a.tif").toString(), config.scenes().get(0).file());
        assertEquals("https://example.org/b.tif", config.scenes().get(1).file());
        assertEquals("c", config.scenes().get(2).id());
        assertEquals(dir.resolve("models"), config.registry());
        assertNull(config.tileSize());
        assertEquals("jdbc:sqlite:" + dir.resolve("runs/results.db"), config.effectiveStoreUrl());
    }

    @Test
    void namesTheFileTheFieldAndWhatWasExpected() throws IOException {
        Path file = write("""
                workers: many
                scenes:
                  - {id: a, file: a.tif}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ": workers: found \"many\", expected a whole number from 1 to 256", e.getMessage());
    }

    @Test
    void rejectsUnknownKeysSoTyposDoNotPassSilently() throws IOException {
        Path file = write("""
                scenes:
                  - {id: a, flie: a.tif}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ": scenes[0].flie: unknown key"), e.getMessage());
    }

    @Test
    void rejectsAHaloThatLeavesNoCore() throws IOException {
        Path file = write("""
                tiling: {size: 64, halo: 32}
                scenes: [{id: a, file: a.tif}]
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertTrue(e.getMessage().contains("tiling.halo: is 32 with a tile size of 64, expected less than half"),
                e.getMessage());
    }

    @Test
    void stitchingIsCropUnlessBlendIsAskedForWithAnOverlap() throws IOException {
        PipelineConfig crop = ConfigLoader.load(write("scenes: [{id: a, file: a.tif}]"));
        assertEquals(Stitching.CROP, crop.stitch());
        assertEquals(0, crop.overlap());
        PipelineConfig blend = ConfigLoader.load(write("""
                tiling: {size: 64, halo: 8, stitch: blend, overlap: 16}
                scenes: [{id: a, file: a.tif}]
                """));
        assertEquals(Stitching.BLEND, blend.stitch());
        assertEquals(16, blend.overlap());
    }

    @Test
    void refusesAnOverlapThatBlendCannotUse() throws IOException {
        assertTilingError("{stitch: crop, overlap: 16}",
                "tiling.overlap: is set with stitch: crop, expected overlap only with stitch: blend");
        assertTilingError("{overlap: 16}",
                "tiling.overlap: is set with stitch: crop, expected overlap only with stitch: blend");
        assertTilingError("{stitch: blend}", "tiling.overlap: is missing with stitch: blend, expected the pixels "
                + "that neighbouring tiles share, an even number such as 16");
        assertTilingError("{stitch: blend, overlap: 15}", "tiling.overlap: is 15, expected an even number of pixels");
        assertTilingError("{stitch: blend, overlap: -2}", "tiling.overlap: found -2, expected a whole number from 2");
        assertTilingError("{stitch: blend, overlap: 0}", "tiling.overlap: found 0, expected a whole number from 2");
        assertTilingError("{size: 64, halo: 8, stitch: blend, overlap: 26}", "tiling.overlap: is 26 with a tile size "
                + "of 64 and a halo of 8, expected at most 24, half of the 48 px a tile keeps");
        assertTilingError("{stitch: feather, overlap: 16}", "tiling.stitch: is \"feather\", expected crop or blend");
    }

    private void assertTilingError(String tiling, String expected) throws IOException {
        Path file = write("tiling: " + tiling + "\nscenes: [{id: a, file: a.tif}]\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file), tiling);
        assertTrue(e.getMessage().startsWith(file + ": " + expected), e.getMessage());
    }

    @Test
    void rejectsDuplicateSceneIdsAndAmbiguousScenes() throws IOException {
        Path dup = write("scenes: [{id: a, file: a.tif}, {id: a, file: b.tif}]");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(dup)).getMessage()
                .contains("scenes[1]: the scene id \"a\" is used twice"));
        Path both = write("scenes: [{id: a, file: a.tif, stac: b.json}]");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(both)).getMessage()
                .contains("scenes[0]: found 2 of file/bands/stac, expected exactly one"));
    }

    @Test
    void reportsBrokenYamlAndMissingFiles() throws IOException {
        Path broken = write("scenes: [unclosed");
        assertEquals(broken + ": not valid YAML: line 1, column 18: while parsing a flow sequence: expected ',' or "
                + "']', but got <stream end>",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(broken)).getMessage());
        Path missing = dir.resolve("nope.yaml");
        assertEquals(missing + ": no such configuration file",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(missing)).getMessage());
    }

    @Test
    void aCrsGdalDoesNotKnowIsAConfigurationError() throws IOException {
        Path file = write("""
                crs: EPSG:nope
                scenes: [{id: a, file: a.tif}]
                """);
        assertEquals(file + ": crs: EPSG:nope: not a CRS GDAL understands: PROJ: proj_create_from_database: crs not "
                + "found, expected a CRS such as EPSG:32616",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).getMessage());
        assertEquals(32616, ConfigLoader.load(write("crs: EPSG:32616\nscenes: [{id: a, file: a.tif}]")).crs().epsg());
    }

    @Test
    void anAcquisitionTimeIsAnRfc3339DateTimeWithItsTimeZone() throws IOException {
        String expected = ", expected an RFC 3339 date-time with a time zone (Z or ±hh:mm), such as "
                + "2015-08-04T16:19:21Z";
        Path yesterday = write("scenes: [{id: a, file: a.tif, acquired: yesterday}]");
        assertEquals(yesterday + ": scenes[0].acquired: found \"yesterday\"" + expected,
                assertThrows(ConfigException.class, () -> ConfigLoader.load(yesterday)).getMessage());
        Path local = write("scenes: [{id: a, file: a.tif, acquired: '2015-08-04T16:19:21'}]");
        assertEquals(local + ": scenes[0].acquired: found \"2015-08-04T16:19:21\" (no time zone)" + expected,
                assertThrows(ConfigException.class, () -> ConfigLoader.load(local)).getMessage());
        Path date = write("scenes: [{id: a, file: a.tif, acquired: 2015-08-04}]");
        assertEquals(date + ": scenes[0].acquired: found \"2015-08-04\" (a date without a time)" + expected,
                assertThrows(ConfigException.class, () -> ConfigLoader.load(date)).getMessage());

        Path zoned = write("scenes: [{id: a, file: a.tif, acquired: '2015-08-04T18:19:21.79+02:00'}]");
        assertEquals(Instant.parse("2015-08-04T16:19:21.79Z"), ConfigLoader.load(zoned).scenes().getFirst().acquired());
    }

    @Test
    void aSunElevationIsDegreesAboveTheHorizon() throws IOException {
        assertEquals(64.7436, ConfigLoader.load(write("scenes: [{id: a, file: a.tif, sun_elevation: 64.7436}]"))
                .scenes().getFirst().sunElevation());
        assertEquals(null, ConfigLoader.load(write("scenes: [{id: a, file: a.tif}]")).scenes().getFirst()
                .sunElevation());
        for (String wrong : new String[]{"0.5", "-3", "91", "high"}) {
            Path file = write("scenes: [{id: a, file: a.tif, sun_elevation: " + wrong + "}]");
            assertEquals(file + ": scenes[0].sun_elevation: found " + (wrong.equals("high") ? "\"high\", expected a "
                    + "number" : wrong + ", expected degrees above the horizon, from 1 to 90"),
                    assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).getMessage());
        }
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithItsLine() throws IOException {
        Path file = write("""
                model: production
                model: rgbn
                scenes: [{id: a, file: a.tif}]
                """);
        assertEquals(file + ": not valid YAML: line 2, column 6: Duplicate field 'model'",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).getMessage());
        Path nested = write("scenes: [{id: a, file: a.tif, id: b}]");
        assertEquals(nested + ": not valid YAML: line 1, column 33: Duplicate field 'id'",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(nested)).getMessage());
    }

    /** The run id follows from it: a comment, a key moved or the number of workers resume the same run. */
    @Test
    void theContentHashIgnoresFormattingKeyOrderAndWorkers() throws IOException {
        PipelineConfig base = ConfigLoader.load(write("""
                model: production
                workers: 2
                tiling: {size: 64, halo: 8}
                scenes:
                  - {id: a, file: a.tif}
                """));
        PipelineConfig same = ConfigLoader.load(write("""
                # the same run, written otherwise
                tiling:
                  halo: 8
                  size: 64     # px
                scenes: [{file: a.tif, id: a}]
                workers: 1
                model: production
                """));
        PipelineConfig other = ConfigLoader.load(write("""
                model: production
                workers: 2
                tiling: {size: 128, halo: 8}
                scenes:
                  - {id: a, file: a.tif}
                """));
        assertNotEquals(base.sha256(), same.sha256(), "the manifest records the file's own bytes");
        assertEquals(base.contentSha256(), same.contentSha256());
        assertNotEquals(base.contentSha256(), other.contentSha256(), "another tile size is another run");
    }

    /** The same text beside other data is another run: its relative paths name other files. */
    @Test
    void theContentHashCoversWhereRelativeInputsResolve() throws IOException {
        String text = """
                model: production
                scenes:
                  - {id: a, bands: {B1: data/B1.tif, B2: data/B2.tif}}
                """;
        Path one = Files.createDirectories(dir.resolve("project-1"));
        Path two = Files.createDirectories(dir.resolve("project-2"));
        PipelineConfig first = ConfigLoader.load(Files.writeString(one.resolve("p.yaml"), text));
        PipelineConfig again = ConfigLoader.load(Files.writeString(one.resolve("q.yaml"), text));
        PipelineConfig elsewhere = ConfigLoader.load(Files.writeString(two.resolve("p.yaml"), text));
        assertEquals(first.contentSha256(), again.contentSha256());
        assertNotEquals(first.contentSha256(), elsewhere.contentSha256());
        // absolute inputs name the same files from anywhere: the same run wherever the file is
        String absolute = text.replace("data/", "/srv/data/");
        assertEquals(ConfigLoader.load(Files.writeString(one.resolve("a.yaml"), absolute)).contentSha256(),
                ConfigLoader.load(Files.writeString(two.resolve("a.yaml"), absolute)).contentSha256());
    }

    /** An empty model name is a mistake, not the alias "". */
    @Test
    void anEmptyModelIsNamed() throws IOException {
        Path file = write("""
                model: ""
                scenes:
                  - {id: a, file: a.tif}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ": model: is empty, expected a model version id or alias (production when the key is "
                + "left out)", e.getMessage());
    }

    /**
     * A scene's location is copied into the manifest, the output's item, the rows and the logs: credentials in its URL
     * are refused as a store.url's password is, naming the field and the part, never the secret.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{id: a, file: \"https://alice:s3cr3t@imagery.example.org/a.tif\"} | scenes[0].file: has user-info "
                    + "(user:password@ before the host)",
            "{id: a, bands: {B2: b2.tif, B3: \"s3://b/B3.tif?X-Amz-Security-Token=s3cr3t\"}} | scenes[0].bands.B3: "
                    + "has the query parameter X-Amz-Security-Token (a signed URL)",
            "{stac: \"https://h/item.json?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=s3cr3t\"} | "
                    + "scenes[0].stac: has the query parameter X-Amz-Signature (a signed URL)"})
    void credentialsInASceneLocationAreRefusedWithoutRepeatingThem(String scene, String refusal) throws IOException {
        Path file = write("scenes:\n  - " + scene + "\n");
        String message = assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).getMessage();
        assertEquals(file + ": " + refusal + ", expected " + UrlCredentials.EXPECTED, message);
        assertFalse(message.contains("s3cr3t"), message);
        assertTrue(message.contains("GDAL_HTTP_USERPWD") && message.contains("AWS_SESSION_TOKEN"), message);
    }
}
