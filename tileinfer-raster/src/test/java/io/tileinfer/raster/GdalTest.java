package io.tileinfer.raster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GdalTest {

    @Test
    void versionIsTheOneGdalsToolsReport() {
        Gdal.init();
        Gdal.init();
        String tools = TestData.run(List.of("gdalinfo", "--version")); // "GDAL 3.6.2, released 2023/01/02"
        assertTrue(Gdal.version().matches("\\d+\\.\\d+\\.\\d+.*"), Gdal.version());
        assertTrue(tools.startsWith("GDAL " + Gdal.version() + ","), tools + " vs " + Gdal.version());
    }

    @Test
    void vsiPaths() {
        assertEquals("/data/a.tif", Gdal.vsiPath("/data/a.tif"));
        assertEquals("relative/a.tif", Gdal.vsiPath("relative/a.tif"));
        assertEquals("/vsicurl/https://example.com/a.tif", Gdal.vsiPath("https://example.com/a.tif"));
        assertEquals("/vsicurl/http://example.com/a.tif", Gdal.vsiPath("http://example.com/a.tif"));
        assertEquals("/vsis3/bucket/key/a.tif", Gdal.vsiPath("s3://bucket/key/a.tif"));
        assertEquals("/vsicurl/https://example.com/a.tif", Gdal.vsiPath("/vsicurl/https://example.com/a.tif"));
        assertEquals("/vsimem/a.tif", Gdal.vsiPath("/vsimem/a.tif"));
    }

    @Test
    void missingLibgdalIsExplainedWithTheFix() throws Exception {
        // Gdal loads once per JVM, so this needs a JVM of its own.
        ProcessBuilder jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                InitProbe.class.getName()).redirectErrorStream(true);
        jvm.environment().put("TILEINFER_GDAL_LIBRARY", "/nonexistent/libgdal.so.32");
        Process process = jvm.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        assertTrue(output.contains("GdalUnavailableException: cannot load libgdal (tried /nonexistent/libgdal.so.32)"),
                output);
        assertTrue(output.contains("apt-get install gdal-bin"), output);
    }

    /** Prints what Gdal.init() throws. */
    public static final class InitProbe {
        public static void main(String[] args) {
            try {
                Gdal.init();
                System.out.println("loaded GDAL " + Gdal.version());
            } catch (RuntimeException e) {
                System.out.println(e);
            }
        }
    }

    @Test
    void configOptionsReachGdal() {
        // Unknown options are stored and ignored; what matters is that the call binds and returns.
        Gdal.setConfigOption("TILEINFER_TEST_OPTION", "1");
        Gdal.setConfigOption("TILEINFER_TEST_OPTION", null);
    }
}
