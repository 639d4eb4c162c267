package io.tileinfer.raster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shared real imagery (see ../shared/data/README.md) and GDAL's command-line tools, for cross-checks; {@link #run}
 * also for core's tests, through this module's test jar.
 */
public final class TestData {

    static final int[] ALL_FOUR_BANDS = {1, 2, 3, 4};

    private TestData() {
    }

    static Path sharedData() {
        String configured = System.getProperty("tileinfer.sharedData");
        assertTrue(configured != null, "surefire must set tileinfer.sharedData");
        Path path = Path.of(configured).toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(path), "shared test data not found at " + path);
        return path;
    }

    static String variant(String fileName) {
        return sharedData().resolve("geotiff-variants").resolve(fileName).toString();
    }

    static String landsat(String band) {
        return sharedData().resolve("landsat8-LC80200392015216").resolve(band + ".tif").toString();
    }

    static float[] read(String location, Window window, int... bands) {
        try (RasterReader reader = RasterReader.open(location)) {
            float[] values = new float[Math.toIntExact(window.pixels() * bands.length)];
            reader.read(window, bands, values);
            return values;
        }
    }

    static JsonNode gdalinfoJson(String... arguments) {
        List<String> command = new ArrayList<>(List.of("gdalinfo", "-json"));
        command.addAll(List.of(arguments));
        try {
            return new ObjectMapper().readTree(run(command));
        } catch (IOException e) {
            throw new AssertionError("gdalinfo -json printed no JSON", e);
        }
    }

    /**
     * Runs a command and returns its output (standard error included); fails the test when it exits with an error or
     * has not finished within 2 minutes.
     */
    public static String run(List<String> command) {
        Path log = null;
        try {
            // to a file, not a pipe read to its end before the wait: the wait's timeout then bounds a hung command
            log = Files.createTempFile("command", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within 2 minutes");
            }
            String output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), command + " failed:\n" + output);
            return output;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + " (install Debian's gdal-bin)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            if (log != null) {
                log.toFile().delete();
            }
        }
    }
}
