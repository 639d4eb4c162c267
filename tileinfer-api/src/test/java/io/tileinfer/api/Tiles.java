package io.tileinfer.api;

import io.tileinfer.core.SharedData;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.Window;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real tiles: windows of the shared Landsat 8 stacks, cut by GDAL's own gdal_translate. */
final class Tiles {

    static final Path COG = SharedData.VARIANTS.resolve("l8_rgbn_cog.tif");

    private Tiles() {
    }

    /** {@code gdal_translate -srcwin}: a GeoTIFF of the window, georeferenced, with the source's bands and type. */
    static Path cut(Path source, Window window, Path dir) throws IOException, InterruptedException {
        Path target = dir.resolve("x" + window.x() + "_y" + window.y() + "_" + window.width() + "x"
                + window.height() + "_" + source.getFileName());
        return translate(target, "-srcwin", String.valueOf(window.x()), String.valueOf(window.y()),
                String.valueOf(window.width()), String.valueOf(window.height()), source.toString());
    }

    /** A copy of {@code source} as {@code target} whose TIFFTAG_DATETIME (the acquisition time) is {@code dateTime}. */
    static Path withDateTime(Path source, String dateTime, Path target) throws IOException, InterruptedException {
        return translate(target, "-mo", "TIFFTAG_DATETIME=" + dateTime, source.toString());
    }

    /** {@code gdal_translate -q ARGUMENTS target}. */
    private static Path translate(Path target, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gdal_translate", "-q"));
        command.addAll(List.of(arguments));
        command.add(target.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "gdal_translate did not finish");
        assertEquals(0, process.exitValue(), "gdal_translate failed (install Debian's gdal-bin): " + output);
        return target;
    }

    /** The four bands of a window as float32, band-sequential. */
    static float[] values(Path source, Window window) {
        try (RasterReader reader = RasterReader.open(source.toString())) {
            float[] values = new float[(int) window.pixels() * 4];
            reader.read(window, new int[] {1, 2, 3, 4}, values);
            return values;
        }
    }

    /** Band {@code band} of a window of a byte raster (a prediction), as unsigned values. */
    static int[] band(Path raster, Window window, int band) {
        try (RasterReader reader = RasterReader.open(raster.toString())) {
            float[] values = new float[(int) window.pixels()];
            reader.read(window, new int[] {band}, values);
            int[] result = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                result[i] = (int) values[i];
            }
            return result;
        }
    }
}
