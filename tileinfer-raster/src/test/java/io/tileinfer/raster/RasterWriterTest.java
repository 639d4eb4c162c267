package io.tileinfer.raster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RasterWriterTest {

    private static final int WIDTH = 600;
    private static final int HEIGHT = 520;
    private static final GeoTransform TRANSFORM = new GeoTransform(452475, 30, 0, 3408645, 0, -30);

    @TempDir
    Path dir;

    /** Class labels in blocks that do not line up with the 256-pixel tiles, and a nodata border. */
    private static byte[] classes(Window w) {
        byte[] data = new byte[Math.toIntExact(w.pixels())];
        for (int row = 0; row < w.height(); row++) {
            for (int col = 0; col < w.width(); col++) {
                int x = w.x() + col;
                int y = w.y() + row;
                data[row * w.width() + col] = (byte) (x < 8 || y < 8 ? 255 : 1 + (x / 37 + y / 53) % 5);
            }
        }
        return data;
    }

    private static List<Window> windows(int size) {
        List<Window> windows = new ArrayList<>();
        Window full = new Window(0, 0, WIDTH, HEIGHT);
        for (int y = 0; y < HEIGHT; y += size) {
            for (int x = 0; x < WIDTH; x += size) {
                windows.add(new Window(x, y, size, size).intersect(full));
            }
        }
        return windows;
    }

    private Path writeClassCog(String name) {
        Path target = dir.resolve(name);
        try (RasterWriter writer = RasterWriter.create(dir.resolve(name + ".scratch.tif"), WIDTH, HEIGHT, 1,
                DataType.BYTE, TRANSFORM, Crs.parse("EPSG:32616"), 255.0)) {
            writer.setBandDescription(1, "cloud class");
            writer.setMetadata("TILEINFER_MODEL", "clouds-v1");
            for (Window w : windows(200)) {
                writer.write(w, 1, classes(w));
            }
            writer.finishCog(target);
        }
        return target;
    }

    @Test
    void writesACogThatGdalRecognises() {
        Path cog = writeClassCog("classes.tif");
        assertFalse(Files.exists(dir.resolve("classes.tif.scratch.tif")), "scratch left behind");
        assertFalse(Files.exists(dir.resolve("classes.tif.tmp")), "temporary left behind");

        JsonNode info = TestData.gdalinfoJson(cog.toString());
        assertEquals("COG", info.path("metadata").path("IMAGE_STRUCTURE").path("LAYOUT").asText());
        assertEquals("DEFLATE", info.path("metadata").path("IMAGE_STRUCTURE").path("COMPRESSION").asText());
        // classes compress better without differencing: GDAL reports no PREDICTOR then
        assertTrue(info.path("metadata").path("IMAGE_STRUCTURE").path("PREDICTOR").isMissingNode());
        assertEquals("clouds-v1", info.path("metadata").path("").path("TILEINFER_MODEL").asText());
        assertEquals(WIDTH, info.path("size").get(0).asInt());
        assertEquals(HEIGHT, info.path("size").get(1).asInt());
        assertTrue(info.path("coordinateSystem").path("wkt").asText().contains("ID[\"EPSG\",32616]"));
        for (int i = 0; i < 6; i++) {
            assertEquals(TRANSFORM.toGdal()[i], info.path("geoTransform").get(i).asDouble());
        }
        JsonNode band = info.path("bands").get(0);
        assertEquals("Byte", band.path("type").asText());
        assertEquals(255.0, band.path("noDataValue").asDouble());
        assertEquals("cloud class", band.path("description").asText());
        assertEquals(256, band.path("block").get(0).asInt());
        // OVERVIEWS=AUTO halves until the overview fits in one 256-pixel block: 300 x 260, then 150 x 130.
        assertEquals(2, band.path("overviews").size());
        assertEquals(150, band.path("overviews").get(1).path("size").get(0).asInt());

        try (RasterReader reader = RasterReader.open(cog.toString())) {
            reader.checkIntegrity();
            RasterInfo read = reader.info();
            assertEquals(32616, read.crs().epsg());
            assertEquals(TRANSFORM, read.transform());
            assertEquals(255.0, read.bands().getFirst().nodata());
            Window full = new Window(0, 0, WIDTH, HEIGHT);
            float[] pixels = new float[Math.toIntExact(full.pixels())];
            reader.read(full, new int[] {1}, pixels);
            byte[] expected = classes(full);
            for (int i = 0; i < pixels.length; i++) {
                assertEquals(expected[i] & 0xff, pixels[i], "pixel " + i);
            }
        }
    }

    @Test
    void passesGdalsCogValidatorWhenPythonGdalIsInstalled() {
        // Debian's python3-gdal lives in /usr/bin/python3's path, which a pyenv python3 would not see.
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        try {
            Process probe = new ProcessBuilder(python.toString(), "-c",
                    "import osgeo_utils.samples.validate_cloud_optimized_geotiff").start();
            assumeTrue(probe.waitFor() == 0, "python3-gdal not installed");
        } catch (IOException | InterruptedException e) {
            abort("cannot run python3: " + e);
        }
        Path cog = writeClassCog("validated.tif");
        String output = TestData.run(List.of(python.toString(), "-m",
                "osgeo_utils.samples.validate_cloud_optimized_geotiff", "--full-check=yes", cog.toString()));
        assertTrue(output.contains("is a valid cloud optimized GeoTIFF"), output);
    }

    @Test
    void sameDataGivesByteIdenticalCogs() {
        assertEquals(sha256(writeClassCog("first.tif")), sha256(writeClassCog("second.tif")));
    }

    @Test
    void windowsWrittenFromManyThreadsGiveTheSameCog() throws Exception {
        Path target = dir.resolve("parallel.tif");
        try (RasterWriter writer = RasterWriter.create(dir.resolve("parallel.scratch.tif"), WIDTH, HEIGHT, 1,
                DataType.BYTE, TRANSFORM, Crs.parse("EPSG:32616"), 255.0);
             ExecutorService pool = Executors.newFixedThreadPool(4)) {
            writer.setBandDescription(1, "cloud class");
            writer.setMetadata("TILEINFER_MODEL", "clouds-v1");
            List<Future<?>> writes = new ArrayList<>();
            for (Window w : windows(200).reversed()) {
                writes.add(pool.submit(() -> writer.write(w, 1, classes(w))));
            }
            for (Future<?> write : writes) {
                write.get();
            }
            writer.finishCog(target);
        }
        assertEquals(sha256(writeClassCog("sequential.tif")), sha256(target));
    }

    @Test
    void float32BandsKeepTheirValues() {
        Path target = dir.resolve("scores.tif");
        Window full = new Window(0, 0, 300, 200);
        float[][] bands = new float[2][Math.toIntExact(full.pixels())];
        for (int i = 0; i < bands[0].length; i++) {
            bands[0][i] = (float) Math.sin(i * 0.001);
            bands[1][i] = i / 7f;
        }
        try (RasterWriter writer = RasterWriter.create(dir.resolve("scores.scratch.tif"), 300, 200, 2,
                DataType.FLOAT32, TRANSFORM, Crs.parse("EPSG:32616"), null)) {
            writer.write(full, 1, bands[0]);
            writer.write(full, 2, bands[1]);
            writer.finishCog(target);
        }
        try (RasterReader reader = RasterReader.open(target.toString())) {
            assertEquals(DataType.FLOAT32, reader.info().bands().get(1).dataType());
            assertEquals(null, reader.info().bands().get(1).nodata());
            assertEquals("COG", reader.info().imageStructure().get("LAYOUT"));
            assertEquals("3", reader.info().imageStructure().get("PREDICTOR"));
            float[] read = new float[bands[0].length * 2];
            reader.read(full, new int[] {1, 2}, read);
            float[] expected = new float[read.length];
            System.arraycopy(bands[0], 0, expected, 0, bands[0].length);
            System.arraycopy(bands[1], 0, expected, bands[0].length, bands[1].length);
            assertArrayEquals(expected, read);
        }
    }

    @Test
    void unwrittenWindowsReadAsNodata() {
        Path target = dir.resolve("partial.tif");
        try (RasterWriter writer = RasterWriter.create(dir.resolve("partial.scratch.tif"), WIDTH, HEIGHT, 1,
                DataType.BYTE, TRANSFORM, Crs.parse("EPSG:32616"), 255.0)) {
            Window w = new Window(0, 0, 100, 100);
            writer.write(w, 1, classes(w));
            writer.finishCog(target);
        }
        float[] corner = TestData.read(target.toString(), new Window(500, 500, 10, 10), 1);
        for (float value : corner) {
            assertEquals(255f, value);
        }
    }

    private static final RasterLayout CLASS_LAYOUT = new RasterLayout(WIDTH, HEIGHT, DataType.BYTE, 48, TRANSFORM,
            Crs.parse("EPSG:32616"), 255.0, List.of("cloud class"), Map.of("TILEINFER_MODEL", "clouds-v1"));

    /**
     * A kept scratch is written by one writer, closed, and finished by a second: written windows are in the file at
     * once (another reader sees them while the writer is open), writes never move the file's directory
     * (its size stays), and the COG is the one a single temporary scratch gives for the same pixels.
     */
    @Test
    void aKeptScratchCarriesWrittenBlocksToTheNextWriter() throws IOException {
        Path scratch = dir.resolve("kept/scene.tif");
        List<Window> windows = windows(200);
        long size;
        try (RasterWriter first = RasterWriter.keep(scratch, CLASS_LAYOUT)) {
            size = Files.size(scratch);
            Window w = windows.getFirst();
            first.write(w, 1, classes(w));
            assertArrayEquals(toFloats(classes(w)), TestData.read(scratch.toString(), w, 1), "written, not on disk");
            for (Window rest : windows.subList(1, windows.size() / 2)) {
                first.write(rest, 1, classes(rest));
            }
        }
        assertEquals(size, Files.size(scratch), "a block was appended rather than written in its place");
        try (Stream<Path> files = Files.list(scratch.getParent())) {
            assertEquals(List.of(scratch), files.toList(), "the temporary name is left behind");
        }

        Path target = dir.resolve("kept.tif");
        try (RasterWriter second = RasterWriter.keep(scratch, CLASS_LAYOUT)) {
            for (Window w : windows.subList(windows.size() / 2, windows.size())) {
                second.write(w, 1, classes(w));
            }
            second.finishCog(target);
        }
        assertEquals(size, Files.size(scratch), "the kept scratch stays, and keeps its size");
        assertEquals(sha256(writeClassCog("reference.tif")), sha256(target));
    }

    @Test
    void aKeptScratchOfAnotherLayoutOrNotARasterIsRefused() throws IOException {
        Path scratch = dir.resolve("scene.tif");
        RasterWriter.keep(scratch, CLASS_LAYOUT).close();
        RasterLayout wider = new RasterLayout(WIDTH + 1, HEIGHT, DataType.BYTE, 48, TRANSFORM, null, null,
                List.of("cloud class"), Map.of());
        RasterException other = assertThrows(RasterException.class, () -> RasterWriter.keep(scratch, wider));
        assertTrue(other.getMessage().startsWith(scratch + ": holds a 600x520 raster of 1 bands"), other.getMessage());
        assertTrue(other.getMessage().contains("expected 601x520, 1 bands of BYTE"), other.getMessage());

        assertThrows(IllegalArgumentException.class, () -> RasterWriter.keep(dir.resolve("float.tif"),
                new RasterLayout(WIDTH, HEIGHT, DataType.FLOAT32, 48, TRANSFORM, null, null, List.of("score"),
                        Map.of())));

        Files.writeString(scratch, "not a raster");
        RasterException garbage = assertThrows(RasterException.class, () -> RasterWriter.keep(scratch, CLASS_LAYOUT));
        assertTrue(garbage.getMessage().startsWith(scratch + ": cannot open the scratch raster"), garbage.getMessage());
    }

    private static float[] toFloats(byte[] bytes) {
        float[] values = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            values[i] = Byte.toUnsignedInt(bytes[i]);
        }
        return values;
    }

    @Test
    void invalidWritesAreRejected() {
        Path scratch = dir.resolve("invalid.scratch.tif");
        try (RasterWriter writer = RasterWriter.create(scratch, 100, 100, 1, DataType.BYTE, TRANSFORM,
                Crs.parse("EPSG:32616"), null)) {
            Window w = new Window(0, 0, 10, 10);
            assertThrows(IllegalArgumentException.class, () -> writer.write(w, 1, new float[100]));
            assertThrows(IllegalArgumentException.class, () -> writer.write(w, 1, new byte[99]));
            RasterException outside = assertThrows(RasterException.class,
                    () -> writer.write(new Window(95, 0, 10, 10), 1, new byte[100]));
            assertTrue(outside.getMessage().startsWith(scratch + ": "), outside.getMessage());
            assertThrows(RasterException.class, () -> writer.write(w, 2, new byte[100]));
            RasterException noDirectory = assertThrows(RasterException.class,
                    () -> writer.finishCog(dir.resolve("missing-dir").resolve("x.tif")));
            assertTrue(noDirectory.getMessage().contains("missing-dir"), noDirectory.getMessage());
            assertTrue(Files.exists(scratch), "a failed finish keeps the scratch for close() to delete");
        }
        assertFalse(Files.exists(scratch), "close() deletes an unfinished scratch");
        assertThrows(RasterException.class, () -> RasterWriter.create(dir.resolve("missing-dir").resolve("s.tif"),
                10, 10, 1, DataType.BYTE, TRANSFORM, null, null));
    }

    @Test
    void finishedWritersRefuseMoreWrites() {
        Path target = dir.resolve("done.tif");
        RasterWriter writer = RasterWriter.create(dir.resolve("done.scratch.tif"), 10, 10, 1, DataType.BYTE,
                null, null, null);
        writer.write(new Window(0, 0, 10, 10), 1, new byte[100]);
        writer.finishCog(target);
        assertThrows(IllegalStateException.class, () -> writer.write(new Window(0, 0, 10, 10), 1, new byte[100]));
        writer.close();
        try (RasterReader reader = RasterReader.open(target.toString())) {
            assertEquals(null, reader.info().crs());
            assertEquals(null, reader.info().transform());
        }
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
