package io.tileinfer.core;

import io.tileinfer.raster.TestData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real imagery in ../shared/data (passed by Maven as the system property tileinfer.sharedData). */
public final class SharedData {
    public static final Path ROOT = Path.of(System.getProperty("tileinfer.sharedData", "../../shared/data"))
            .toAbsolutePath().normalize();
    public static final Path LANDSAT = ROOT.resolve("landsat8-LC80200392015216");
    public static final Path SENTINEL = ROOT.resolve("sentinel2-T18SVG-20160112");
    public static final Path VARIANTS = ROOT.resolve("geotiff-variants");

    static {
        if (!Files.isRegularFile(ROOT.resolve("SHA256SUMS"))) {
            throw new IllegalStateException("the shared imagery is missing at " + ROOT);
        }
    }

    private SharedData() {
    }

    public static String variant(String name) {
        return VARIANTS.resolve(name).toString();
    }

    /**
     * The tiled DEFLATE variant cut at 3/4 of its bytes, written to {@code file}: its last blocks are missing, the
     * others readable, so that a run that skips the integrity check has a PARTIAL scene.
     */
    public static Path cutAtThreeQuarters(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(Path.of(variant("l8_rgbn_tiled256_deflate_pred2.tif")));
        return Files.write(file, Arrays.copyOf(bytes, bytes.length * 3 / 4));
    }

    /**
     * Writes {@code target}, a GeoTIFF of {@code source}'s bands {@code bands} (1-based) in that order, each with the
     * GDAL band description {@code descriptions} gives it ("" for none): GDAL writes it from a VRT that says so.
     */
    public static Path describedBands(Path source, Path target, int[] bands, String... descriptions)
            throws IOException {
        Path vrt = target.resolveSibling(target.getFileName() + ".vrt");
        List<String> translate = new ArrayList<>(List.of("gdal_translate", "-q", "-of", "VRT"));
        for (int band : bands) {
            translate.addAll(List.of("-b", String.valueOf(band)));
        }
        translate.addAll(List.of(source.toString(), vrt.toString()));
        gdal(translate);
        Matcher band = Pattern.compile("<VRTRasterBand [^>]*>").matcher(Files.readString(vrt));
        StringBuilder described = new StringBuilder();
        for (String description : descriptions) {
            if (!band.find()) {
                throw new IllegalArgumentException("more descriptions than bands: " + List.of(descriptions));
            }
            band.appendReplacement(described, Matcher.quoteReplacement(band.group()
                    + (description.isEmpty() ? "" : "<Description>" + description + "</Description>")));
        }
        band.appendTail(described);
        Files.writeString(vrt, described);
        gdal(List.of("gdal_translate", "-q", vrt.toString(), target.toString()));
        Files.delete(vrt);
        return target;
    }

    /**
     * Writes {@code target}: the sample COG with its first {@code columns} columns 0 in every band, as a Landsat
     * Level-1 fill frame; tagged nodata 0, or (as Level-1 files are) not.
     */
    public static Path withFillAtLeft(Path target, int columns, boolean tagged) throws IOException {
        gdal(List.of("/usr/bin/python3", "-c", """
                import sys
                from osgeo import gdal
                src = gdal.Open(sys.argv[1])
                dst = gdal.GetDriverByName('GTiff').CreateCopy(sys.argv[2], src)
                for b in range(1, src.RasterCount + 1):
                    band = dst.GetRasterBand(b)
                    band.WriteArray(band.ReadAsArray(0, 0, int(sys.argv[3]), src.RasterYSize) * 0, 0, 0)
                    if sys.argv[4] == '1':
                        band.SetNoDataValue(0)
                dst = None
                """, variant("l8_rgbn_cog.tif"), target.toString(), String.valueOf(columns), tagged ? "1" : "0"));
        return target;
    }

    /**
     * Runs a GDAL command, failing with its output. Not {@link TestData#run}: the CLI's tests call this without the
     * raster module's test jar, whose second logback-test.xml would have logback print its status on stdout.
     */
    private static void gdal(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException(command + " failed (install Debian's gdal-bin): " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(command + " was interrupted", e);
        }
    }

    public static String landsat(String band) {
        return LANDSAT.resolve(band + ".tif").toString();
    }

    /**
     * Writes a STAC Item of the Landsat subset's B2..B5 (by absolute href, with their eo:bands names) and a thumbnail
     * that is no raster, acquired 2015-08-04T16:19:21Z; returns {@code file}.
     */
    public static Path landsatStacItem(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, """
                {"type": "Feature", "stac_version": "1.0.0", "id": "LC08-sample",
                 "properties": {"datetime": "2015-08-04T16:19:21Z"},
                 "assets": {
                   "blue": {"href": "%s", "type": "image/tiff; application=geotiff", "eo:bands": [{"name": "B2"}]},
                   "green": {"href": "%s", "type": "image/tiff; application=geotiff", "eo:bands": [{"name": "B3"}]},
                   "red": {"href": "%s", "type": "image/tiff; application=geotiff", "eo:bands": [{"name": "B4"}]},
                   "nir08": {"href": "%s", "type": "image/tiff; application=geotiff", "eo:bands": [{"name": "B5"}]},
                   "thumbnail": {"href": "thumb.png", "type": "image/png"}
                 }}
                """.formatted(landsat("B2"), landsat("B3"), landsat("B4"), landsat("B5")));
    }

    /**
     * A copy of the four-band COG moved across the antimeridian, near Fiji: UTM zone 60 S, its 627 × 603 pixels of
     * 30 m from about 179.92° E to 179.90° W at 17.5° S. The georeferencing is made up; the pixels and the
     * acquisition time are the real ones.
     */
    public static Path acrossTheAntimeridian(Path dir) throws IOException {
        Path copy = dir.resolve("l8_fiji.tif");
        TestData.run(List.of("gdal_translate", "-q", "-a_srs", "EPSG:32760", "-a_ullr", "810000", "8070000",
                "828810", "8051910", variant("l8_rgbn_cog.tif"), copy.toString()));
        return copy;
    }
}
