package io.tileinfer.raster;

import static io.tileinfer.raster.TestData.ALL_FOUR_BANDS;
import static io.tileinfer.raster.TestData.landsat;
import static io.tileinfer.raster.TestData.read;
import static io.tileinfer.raster.TestData.variant;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RasterReaderTest {

    private static final String REFERENCE = "l8_rgbn_strip_pixel.tif";
    private static final Window FULL = new Window(0, 0, 627, 603);
    /** Straddles block borders of every layout (256 and 512 tiles, 1- and 6-row strips) and reaches the edges. */
    private static final Window ODD = new Window(250, 505, 377, 98);

    @ParameterizedTest
    @ValueSource(strings = {"l8_rgbn_strip_pixel.tif", "l8_rgbn_strip_band.tif", "l8_rgbn_tiled256_deflate_pred2.tif",
            "l8_rgbn_tiled512_lzw.tif", "l8_rgbn_tiled_zstd.tif", "l8_rgbn_cog.tif", "l8_rgbn_bigtiff.tif",
            "l8_rgbn_nodata0.tif", "l8_rgbn_no_datetime.tif", "l8_rgbn_no_crs.tif"})
    void everyLayoutHasTheSamePixelsAndInfo(String file) {
        try (RasterReader reader = RasterReader.open(variant(file))) {
            RasterInfo info = reader.info();
            assertEquals(variant(file), info.location());
            assertEquals("GTiff", info.driver());
            assertEquals(627, info.width());
            assertEquals(603, info.height());
            assertEquals(4, info.bandCount());
            for (BandInfo band : info.bands()) {
                assertEquals(DataType.UINT16, band.dataType());
                assertEquals(file.equals("l8_rgbn_nodata0.tif") ? Double.valueOf(0) : null, band.nodata());
            }
            if (file.equals("l8_rgbn_no_crs.tif")) {
                assertNull(info.crs());
                assertNull(info.transform());
            } else {
                assertEquals(32616, info.crs().epsg());
                assertEquals(new GeoTransform(452475, 30, 0, 3408645, 0, -30), info.transform());
            }
            assertEquals(file.equals("l8_rgbn_no_datetime.tif") || file.equals("l8_rgbn_no_crs.tif")
                            ? null : "2015:08:04 16:19:21", info.tiffDateTime().orElse(null));
            reader.checkIntegrity();

            for (Window window : List.of(FULL, ODD, new Window(0, 0, 1, 1), new Window(626, 602, 1, 1))) {
                float[] values = new float[Math.toIntExact(window.pixels() * 4)];
                reader.read(window, ALL_FOUR_BANDS, values);
                assertArrayEquals(read(variant(REFERENCE), window, ALL_FOUR_BANDS), values, file + " " + window);
            }
        }
    }

    @Test
    void zstdIsReadAndEqualsTheDeflateVariant() {
        try (RasterReader zstd = RasterReader.open(variant("l8_rgbn_tiled_zstd.tif"))) {
            assertEquals("ZSTD", zstd.info().imageStructure().get("COMPRESSION"));
            float[] values = new float[Math.toIntExact(FULL.pixels() * 4)];
            zstd.read(FULL, ALL_FOUR_BANDS, values);
            assertArrayEquals(read(variant("l8_rgbn_tiled256_deflate_pred2.tif"), FULL, ALL_FOUR_BANDS), values);
        }
    }

    @Test
    void float32VariantIsTheReferenceScaledToOne() {
        try (RasterReader reader = RasterReader.open(variant("l8_rgbn_float32.tif"))) {
            assertEquals(DataType.FLOAT32, reader.info().bands().getFirst().dataType());
            assertEquals("3", reader.info().imageStructure().get("PREDICTOR"));
            float[] scaled = new float[Math.toIntExact(FULL.pixels() * 4)];
            reader.read(FULL, ALL_FOUR_BANDS, scaled);
            float[] reference = read(variant(REFERENCE), FULL, ALL_FOUR_BANDS);
            for (int i = 0; i < scaled.length; i++) {
                assertEquals((float) (reference[i] / 65535.0), scaled[i], "value " + i);
            }
        }
    }

    @Test
    void threeBandFileHasThreeBandsOfTheSameStack() {
        try (RasterReader reader = RasterReader.open(variant("l8_rgb_3band.tif"))) {
            assertEquals(3, reader.info().bandCount());
            float[] values = new float[Math.toIntExact(ODD.pixels() * 3)];
            reader.read(ODD, new int[] {1, 2, 3}, values);
            assertArrayEquals(read(variant(REFERENCE), ODD, 1, 2, 3), values);
            assertThrows(RasterException.class, () -> reader.read(ODD, new int[] {4}, new float[values.length]));
        }
    }

    @Test
    void epsg4326VariantHasItsOwnGridAndCrs() {
        try (RasterReader reader = RasterReader.open(variant("l8_rgbn_epsg4326.tif"))) {
            RasterInfo info = reader.info();
            assertEquals(671, info.width());
            assertEquals(558, info.height());
            assertEquals(4326, info.crs().epsg());
            assertEquals("EPSG:4326", info.crs().label());
            assertTrue(info.crs().sameAs(Crs.parse("EPSG:4326")));
            assertTrue(!info.crs().sameAs(Crs.parse("EPSG:32616")));
            double[] bounds = info.transform().bounds(new Window(0, 0, info.width(), info.height()));
            assertTrue(bounds[0] > -87.6 && bounds[2] < -87.2 && bounds[1] > 30.6 && bounds[3] < 30.9,
                    Arrays.toString(bounds));
        }
    }

    @Test
    void variantBandsAreTheLandsatBandFiles() {
        String[] landsatBands = {"B2", "B3", "B4", "B5"};
        float[] stack = read(variant("l8_rgbn_cog.tif"), FULL, ALL_FOUR_BANDS);
        for (int b = 0; b < landsatBands.length; b++) {
            try (RasterReader reader = RasterReader.open(landsat(landsatBands[b]))) {
                RasterInfo info = reader.info();
                assertEquals(1, info.bandCount());
                assertEquals(32616, info.crs().epsg());
                reader.checkIntegrity();
                float[] band = new float[Math.toIntExact(FULL.pixels())];
                reader.read(FULL, new int[] {1}, band);
                int from = Math.toIntExact(b * FULL.pixels());
                assertArrayEquals(Arrays.copyOfRange(stack, from, from + band.length), band, landsatBands[b]);
            }
        }
    }

    @Test
    void bandsAreReadInTheOrderAsked() {
        float[] all = read(variant(REFERENCE), ODD, ALL_FOUR_BANDS);
        float[] reversed = read(variant(REFERENCE), ODD, 4, 1);
        int n = Math.toIntExact(ODD.pixels());
        assertArrayEquals(Arrays.copyOfRange(all, 3 * n, 4 * n), Arrays.copyOfRange(reversed, 0, n));
        assertArrayEquals(Arrays.copyOfRange(all, 0, n), Arrays.copyOfRange(reversed, n, 2 * n));
    }

    @Test
    void directFloatBufferIsFilledInPlaceFromItsPosition() {
        Window window = new Window(10, 20, 64, 32);
        int n = Math.toIntExact(window.pixels() * 4);
        FloatBuffer buffer = ByteBuffer.allocateDirect((n + 5) * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        buffer.position(5);
        try (RasterReader reader = RasterReader.open(variant("l8_rgbn_cog.tif"))) {
            reader.read(window, ALL_FOUR_BANDS, buffer);
            assertEquals(5, buffer.position());
            float[] fromBuffer = new float[n];
            buffer.get(5, fromBuffer);
            assertArrayEquals(read(variant(REFERENCE), window, ALL_FOUR_BANDS), fromBuffer);

            FloatBuffer bigEndian = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.BIG_ENDIAN)
                    .asFloatBuffer();
            assertThrows(IllegalArgumentException.class, () -> reader.read(window, ALL_FOUR_BANDS, bigEndian));
            assertThrows(IllegalArgumentException.class,
                    () -> reader.read(window, ALL_FOUR_BANDS, FloatBuffer.allocate(n)));
            FloatBuffer tooSmall = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer().position(1);
            assertThrows(IllegalArgumentException.class, () -> reader.read(window, ALL_FOUR_BANDS, tooSmall));
        }
    }

    @Test
    void windowsOutsideTheRasterAreRejected() {
        try (RasterReader reader = RasterReader.open(variant(REFERENCE))) {
            float[] dst = new float[4 * 100];
            for (Window outside : List.of(new Window(620, 0, 10, 10), new Window(-1, 0, 10, 10),
                    new Window(0, 600, 10, 10), new Window(0, 0, 0, 0))) {
                RasterException e = assertThrows(RasterException.class,
                        () -> reader.read(outside, ALL_FOUR_BANDS, dst), outside.toString());
                assertTrue(e.getMessage().startsWith(variant(REFERENCE) + ": "), e.getMessage());
            }
            assertThrows(RasterException.class, () -> reader.read(new Window(0, 0, 10, 10), new int[] {0}, dst));
            assertThrows(IllegalArgumentException.class,
                    () -> reader.read(new Window(0, 0, 10, 10), ALL_FOUR_BANDS, new float[399]));
        }
    }

    @Test
    void notATiffIsRejectedWithGdalsReasonAndTheFileName() {
        RasterException e = assertThrows(RasterException.class, () -> RasterReader.open(variant("not_a_tiff.tif")));
        assertEquals(variant("not_a_tiff.tif"), e.location());
        // GDAL's reason, said once: its message repeats the path and ends in a full stop
        assertEquals(variant("not_a_tiff.tif") + ": cannot open: not recognized as a supported file format",
                e.getMessage());

        RasterException missing = assertThrows(RasterException.class,
                () -> RasterReader.open(variant("does_not_exist.tif")));
        assertEquals(variant("does_not_exist.tif") + ": cannot open: No such file or directory", missing.getMessage());
    }

    @Test
    void truncatedFileOpensButFailsTheIntegrityCheckAndReads() {
        String truncated = variant("l8_rgbn_truncated.tif");
        try (RasterReader reader = RasterReader.open(truncated)) {
            assertEquals(627, reader.info().width());
            RasterException integrity = assertThrows(RasterException.class, reader::checkIntegrity);
            assertEquals("%s: block (0,0) of band 1 ends at byte 415108 but the file has 400000 bytes: the file is truncated"
                    .formatted(truncated), integrity.getMessage());

            Window missingPart = new Window(512, 512, 115, 91);
            RasterException read = assertThrows(RasterException.class,
                    () -> reader.read(missingPart, ALL_FOUR_BANDS, new float[Math.toIntExact(missingPart.pixels() * 4)]));
            assertTrue(read.getMessage().startsWith(truncated + ": cannot read bands [1, 2, 3, 4] of " + missingPart),
                    read.getMessage());
            assertTrue(read.getMessage().contains("TIFFReadEncodedTile() failed"), read.getMessage());
            // A failed read leaves the reader usable.
            assertThrows(RasterException.class, () -> reader.read(new Window(0, 0, 8, 8), new int[] {1}, new float[64]));
        }
    }

    @Test
    void infoAgreesWithGdalinfo() {
        for (String file : List.of("l8_rgbn_cog.tif", "l8_rgbn_nodata0.tif", "l8_rgbn_strip_band.tif",
                "l8_rgbn_epsg4326.tif", "l8_rgbn_float32.tif")) {
            JsonNode expected = TestData.gdalinfoJson(variant(file));
            try (RasterReader reader = RasterReader.open(variant(file))) {
                RasterInfo info = reader.info();
                assertEquals(expected.path("size").get(0).asInt(), info.width(), file);
                assertEquals(expected.path("size").get(1).asInt(), info.height(), file);
                double[] geoTransform = info.transform().toGdal();
                for (int i = 0; i < 6; i++) {
                    double printed = expected.path("geoTransform").get(i).asDouble();
                    // gdalinfo prints 13 significant digits.
                    assertEquals(printed, geoTransform[i], Math.abs(printed) * 1e-12, file + " coefficient " + i);
                }
                assertEquals(strings(expected.path("metadata").path("")), info.metadata(), file);
                assertEquals(strings(expected.path("metadata").path("IMAGE_STRUCTURE")), info.imageStructure(), file);
                assertTrue(info.crs().sameAs(Crs.parse(expected.path("coordinateSystem").path("wkt").asText())));
                for (BandInfo band : info.bands()) {
                    JsonNode expectedBand = expected.path("bands").get(band.index() - 1);
                    assertEquals(expectedBand.path("block").get(0).asInt(), band.blockWidth(), file);
                    assertEquals(expectedBand.path("block").get(1).asInt(), band.blockHeight(), file);
                    assertEquals(expectedBand.path("type").asText().toLowerCase(), band.dataType().name().toLowerCase());
                    assertEquals(expectedBand.has("noDataValue") ? expectedBand.get("noDataValue").asDouble() : null,
                            band.nodata(), file);
                    assertEquals(expectedBand.path("description").asText(""), band.description(), file);
                }
            }
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.properties().forEach(entry -> map.put(entry.getKey(), entry.getValue().asText()));
        return map;
    }

    @Test
    void readersOnDifferentThreadsReadConcurrently() throws Exception {
        List<String> files = List.of("l8_rgbn_cog.tif", "l8_rgbn_tiled_zstd.tif", "l8_rgbn_strip_band.tif",
                "l8_rgbn_tiled512_lzw.tif");
        float[] expected = read(variant(REFERENCE), FULL, ALL_FOUR_BANDS);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> results = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (String file : files) {
                    results.add(pool.submit(() -> {
                        try (RasterReader reader = RasterReader.open(variant(file))) {
                            float[] tile = new float[256 * 256 * 4];
                            for (int y = 0; y < 603; y += 256) {
                                for (int x = 0; x < 627; x += 256) {
                                    Window window = new Window(x, y, 256, 256).intersect(FULL);
                                    reader.read(window, ALL_FOUR_BANDS, tile);
                                    assertWindowOf(expected, window, tile, file);
                                }
                            }
                        }
                        // A failing read on another handle at the same time must not disturb the others.
                        try (RasterReader broken = RasterReader.open(variant("l8_rgbn_truncated.tif"))) {
                            assertThrows(RasterException.class,
                                    () -> broken.read(new Window(0, 0, 8, 8), new int[] {1}, new float[64]));
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> result : results) {
                result.get();
            }
        }
    }

    private static void assertWindowOf(float[] full, Window window, float[] tile, String file) {
        int n = Math.toIntExact(window.pixels());
        for (int b = 0; b < 4; b++) {
            for (int row = 0; row < window.height(); row++) {
                for (int col = 0; col < window.width(); col++) {
                    float expected = full[b * 627 * 603 + (window.y() + row) * 627 + window.x() + col];
                    float actual = tile[b * n + row * window.width() + col];
                    if (expected != actual) {
                        throw new AssertionError(file + " " + window + " band " + (b + 1) + " row " + row
                                + " col " + col + ": " + actual + " != " + expected);
                    }
                }
            }
        }
    }

    @Test
    void closedReadersRefuseWorkAndCloseTwiceIsHarmless() {
        RasterReader reader = RasterReader.open(variant(REFERENCE));
        assertNotNull(reader.info());
        reader.close();
        assertDoesNotThrow(reader::close);
        assertThrows(IllegalStateException.class, reader::info);
        assertThrows(IllegalStateException.class,
                () -> reader.read(new Window(0, 0, 1, 1), new int[] {1}, new float[1]));
    }

    @Test
    void sentinel2BandsOpenWithTheirOwnGrid() {
        String b01 = TestData.sharedData().resolve("sentinel2-T18SVG-20160112").resolve("B01.tif").toString();
        try (RasterReader reader = RasterReader.open(b01)) {
            assertEquals(322, reader.info().width());
            assertEquals(324, reader.info().height());
            assertEquals(32618, reader.info().crs().epsg());
            reader.checkIntegrity();
        }
    }
}
