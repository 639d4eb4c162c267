package io.tileinfer.cli;

import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.config.UrlCredentials;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `tileinfer validate` on every file of shared/data/geotiff-variants gives the expected verdict. */
class ValidateCommandTest {
    static final Path DATA = Path.of(System.getProperty("tileinfer.sharedData")).toAbsolutePath().normalize();
    static final Path VARIANTS = DATA.resolve("geotiff-variants");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "l8_rgbn_strip_pixel.tif, OK,",
            "l8_rgbn_strip_band.tif, OK,",
            "l8_rgbn_tiled256_deflate_pred2.tif, OK,",
            "l8_rgbn_tiled512_lzw.tif, OK,",
            "l8_rgbn_tiled_zstd.tif, OK,",
            "l8_rgbn_cog.tif, OK,",
            "l8_rgbn_bigtiff.tif, OK,",
            "l8_rgbn_float32.tif, OK,",
            "l8_rgbn_nodata0.tif, OK,",
            "l8_rgb_3band.tif, OK,",
            "l8_rgbn_epsg4326.tif, FAIL, 'crs-config: found EPSG:4326, expected EPSG:32616 as configured'",
            "l8_rgbn_no_datetime.tif, FAIL, 'acquisition-time: found none'",
            "l8_rgbn_no_crs.tif, FAIL, 'crs: found no coordinate reference system'",
            "l8_rgbn_truncated.tif, FAIL, 'integrity: found block (0,0) of band 1 ends at byte 415108 but the file has 400000 bytes: the file is truncated'",
            "not_a_tiff.tif, FAIL, 'readable: found'",
    })
    void verdicts(String file, String verdict, String detail) {
        CommandOutput result = CommandOutput.run("validate", "--crs", "EPSG:32616", VARIANTS.resolve(file).toString());
        assertTrue(result.out().startsWith(verdict + " "), result.out());
        assertEquals(verdict.equals("OK") ? ExitCodes.OK : ExitCodes.INVALID, result.exitCode());
        if (detail != null) {
            assertTrue(result.out().contains(VARIANTS.resolve(file) + ": " + detail), result.out());
        }
        assertTrue(result.err().isEmpty(), "no stack trace: " + result.err());
    }

    /** Without a model no data type is expected, but the summary does not pass the first band's off as all. */
    @Test
    void bandsOfDifferentDataTypesAreCountedInTheSummary(@TempDir Path dir) throws Exception {
        Path landsat = DATA.resolve("landsat8-LC80200392015216");
        Files.copy(landsat.resolve("B2.tif"), dir.resolve("B2.tif"));
        Files.copy(landsat.resolve("MTL.txt"), dir.resolve("MTL.txt"));
        Process translate = new ProcessBuilder("gdal_translate", "-q", "-ot", "Float32",
                landsat.resolve("B3.tif").toString(), dir.resolve("B3.tif").toString()).inheritIO().start();
        assertEquals(0, translate.waitFor());
        CommandOutput result = CommandOutput.run("validate", dir.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.out());
        assertTrue(result.out().contains(", 2 bands (uint16 \u00d71, float32 \u00d71), "), result.out());
    }

    /** A machine without libgdal: one line that says what to install, exit 1 (GDAL loads once a JVM: a JVM apart). */
    @Test
    void noLibgdalIsOneLineWithTheFix() throws Exception {
        // the test class path holds two modules' logback-test.xml, of which logback would say so on stdout
        ProcessBuilder jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                Tileinfer.class.getName(), "validate", VARIANTS.resolve("l8_rgbn_cog.tif").toString());
        jvm.environment().put("TILEINFER_GDAL_LIBRARY", "/nonexistent/libgdal.so.32");
        Process process = jvm.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(ExitCodes.INTERNAL, process.waitFor(), err);
        assertEquals("", out);
        assertEquals(List.of("tileinfer: cannot load libgdal (tried /nonexistent/libgdal.so.32): install Debian's "
                + "libgdal32 (apt-get install gdal-bin), or set TILEINFER_GDAL_LIBRARY to the full path of a libgdal "
                + "shared library"), err.lines().filter(line -> !line.startsWith("{")).toList(), err);
    }

    @Test
    void aDirectoryOfSentinel2BandsFailsOnTheGridMismatch() {
        CommandOutput result = CommandOutput.run("validate", DATA.resolve("sentinel2-T18SVG-20160112").toString());
        assertEquals(ExitCodes.INVALID, result.exitCode());
        // Six 20 m bands and three 60 m ones: the 60 m bands are reported against the 20 m grid, although B01 comes
        // first in band order.
        for (String band : List.of("B01", "B09", "B10")) {
            assertTrue(result.out().contains(band + ".tif: grid: found 322x324 pixels of 60x60 at origin (435720, "
                    + "4179480), expected 967x973 pixels of 20x20 at origin (435720, 4179460) like "), result.out());
        }
        assertFalse(result.out().contains("B05.tif: grid"), result.out());
    }

    /**
     * With a model, a file whose band descriptions name its bands in another order is read by name, and says so; one
     * whose descriptions name some model bands at other positions, not all, fails.
     */
    @Test
    void aFileDescribingTheModelsBandsInAnotherOrderIsReadByName(@TempDir Path dir) throws Exception {
        Path registry = dir.resolve("models");
        TestModels.brightness(registry); // B2, B3, B4, B5
        Path cog = VARIANTS.resolve("l8_rgbn_cog.tif");
        Path reversed = SharedData.describedBands(cog, dir.resolve("reversed.tif"), new int[]{4, 3, 2, 1},
                "B5", "B4", "B3", "B2");
        CommandOutput result = CommandOutput.run("validate", "--model", "production", "--registry",
                registry.toString(), reversed.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.out() + result.err());
        assertTrue(result.out().contains("\n      bands read by name: B2 = band 4, B3 = band 3, B4 = band 2, B5 = "
                + "band 1\n"), result.out());

        Path partly = SharedData.describedBands(cog, dir.resolve("partly.tif"), new int[]{4, 2, 3, 1},
                "B5", "B3", "", "");
        result = CommandOutput.run("validate", "--model", "production", "--registry", registry.toString(),
                partly.toString());
        assertEquals(ExitCodes.INVALID, result.exitCode(), result.out() + result.err());
        assertTrue(result.out().contains(partly + ": bands: found band descriptions [B5, B3, (none), (none)] that "
                + "name only some of the model's bands, at other positions (by position: band 1 described \"B5\" "
                + "as B2), expected descriptions naming all the model's bands [B2, B3, B4, B5] (read by name, in any "
                + "order), or band_names"), result.out());
        assertTrue(CommandOutput.run("validate", cog.toString()).out().lines().noneMatch(l -> l.contains("by name")),
                "a file read in its own order says nothing more");
    }

    /** A model corrected for the sun angle: the scene's sun elevation is in the verdict, and without one it fails. */
    @Test
    void aSunAngleCorrectedModelsSceneSaysItsSunElevation(@TempDir Path dir) {
        Path registry = dir.resolve("models");
        TestModels.sunCorrected(registry, "sun");
        Path cog = VARIANTS.resolve("l8_rgbn_cog.tif");
        CommandOutput result = CommandOutput.run("validate", "--model", "sun", "--registry", registry.toString(),
                cog.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.out() + result.err());
        assertTrue(result.out().matches("(?s)OK    " + cog + ": .*, acquired 2015-08-04T16:19:21Z, sun elevation "
                + "64\\.\\d\\d°\n"), result.out());
        result = CommandOutput.run("validate", "--json", "--model", "sun", "--registry", registry.toString(),
                cog.toString());
        assertTrue(result.out().contains("\"sun_elevation\" : 64."), result.out());
        assertTrue(result.out().contains("\"sun_elevation_source\" : \"computed for 2015-08-04T16:19:21Z at the scene's "
                + "centre, 30.7287° N 87.3982° W\""), result.out());

        Path dateless = VARIANTS.resolve("l8_rgbn_no_datetime.tif");
        result = CommandOutput.run("validate", "--skip", "acquisition-time", "--model", "sun", "--registry",
                registry.toString(), dateless.toString());
        assertEquals(ExitCodes.INVALID, result.exitCode(), result.out() + result.err());
        assertTrue(result.out().contains(dateless + ": sun-elevation: found none"), result.out());
    }

    @Test
    void jsonReportNamesEveryField() {
        CommandOutput result = CommandOutput.run("validate", "--json", VARIANTS.resolve("l8_rgbn_no_crs.tif").toString());
        assertTrue(result.out().contains("\"check\" : \"crs\""), result.out());
        assertTrue(result.out().contains("\"expected\" : \"a georeferenced raster (CRS and geotransform)\""));
    }

    @Test
    void aCrsGdalDoesNotKnowIsAUsageErrorNamingTheOption() {
        CommandOutput result = CommandOutput.run("validate", "--crs", "bogus",
                VARIANTS.resolve("l8_rgbn_cog.tif").toString());
        assertEquals(ExitCodes.CONFIG, result.exitCode());
        assertEquals("Invalid value for option '--crs': bogus: not a CRS GDAL understands: GDAL gave no details, "
                + "expected a CRS such as EPSG:32616", result.err().lines().findFirst().orElse(""), result.err());
    }

    /** --skip is a configuration's checks.skip for validate (the Airflow DAG passes its base configuration's). */
    @Test
    void aSkippedCheckIsNotRun() {
        String file = VARIANTS.resolve("l8_rgbn_no_datetime.tif").toString();
        assertEquals(ExitCodes.INVALID, CommandOutput.run("validate", file).exitCode());
        CommandOutput result = CommandOutput.run("validate", "--skip", "acquisition-time", file);
        assertEquals(ExitCodes.OK, result.exitCode(), result.out());
        assertTrue(result.out().startsWith("OK    " + file + ": "), result.out());
        assertTrue(result.out().endsWith(", at an unknown time (acquisition-time not checked)"
                + System.lineSeparator()), result.out());
        CommandOutput json = CommandOutput.run("validate", "--json", "--skip", "acquisition-time", file);
        assertEquals(ExitCodes.OK, json.exitCode(), json.out());
        assertTrue(json.out().contains("\"acquired\" : null"), json.out());
    }

    @Test
    void aCheckThatCannotBeSkippedIsAUsageErrorNamingThoseThatCan() {
        CommandOutput result = CommandOutput.run("validate", "--skip", "crs",
                VARIANTS.resolve("l8_rgbn_cog.tif").toString());
        assertEquals(ExitCodes.CONFIG, result.exitCode());
        assertEquals("Invalid value for option '--skip' (CHECK): crs is not a check that can be skipped, expected one of "
                + "acquisition-time, integrity (as a configuration's checks.skip names them)",
                result.err().lines().findFirst().orElse(""), result.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"typo.tif", "nonexist.json", "no-such-directory"})
    void aPathThatIsNotThereIsAUsageErrorNotAFailedScene(String name, @TempDir Path dir) {
        CommandOutput result = CommandOutput.run("validate", dir.resolve(name).toString());
        assertEquals(ExitCodes.CONFIG, result.exitCode());
        assertEquals("tileinfer: " + dir.resolve(name) + ": no such file or directory" + System.lineSeparator(),
                result.err());
    }

    /** Refused as batch refuses it in a configuration: named without the secret, which a terminal's log would keep. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://alice:s3cr3t@127.0.0.1:9/B4.tif | http://***@127.0.0.1:9/B4.tif: has user-info (user:password@ "
                    + "before the host)",
            "http://127.0.0.1:9/item.json?sig=s3cr3t | http://127.0.0.1:9/item.json?...: has the query parameter sig "
                    + "(a signed URL)"})
    void aSceneWithCredentialsInItsUrlIsAUsageError(String argument, String refusal) {
        CommandOutput result = CommandOutput.run("validate", argument);
        assertEquals(ExitCodes.CONFIG, result.exitCode(), result.out() + result.err());
        assertEquals("tileinfer: " + refusal + ", expected " + UrlCredentials.EXPECTED + System.lineSeparator(),
                result.err());
        assertFalse((result.out() + result.err()).contains("s3cr3t"));
    }

    /** An item whose band asset is signed is that scene's issue; the scene beside it is validated all the same. */
    @Test
    void aStacItemWithASignedAssetIsTheItemsIssue(@TempDir Path dir) throws Exception {
        Path item = SharedData.landsatStacItem(dir.resolve("LC08.json"));
        Files.writeString(item, Files.readString(item).replace(SharedData.landsat("B4"),
                "http://127.0.0.1:9/B4.tif?X-Amz-Credential=AKIA&X-Amz-Signature=s3cr3t"));
        CommandOutput result = CommandOutput.run("validate", item.toString(),
                VARIANTS.resolve("l8_rgbn_cog.tif").toString());
        assertEquals(ExitCodes.INVALID, result.exitCode(), result.out() + result.err());
        assertEquals(List.of("FAIL  " + item, "      " + item + ": assets.red.href: found the query parameter "
                + "X-Amz-Credential (a signed URL), expected " + UrlCredentials.EXPECTED),
                result.out().lines().limit(2).toList());
        assertTrue(result.out().lines().skip(2).findFirst().orElse("").startsWith("OK    "), result.out());
        assertFalse((result.out() + result.err()).contains("s3cr3t"), result.out());
    }
}
