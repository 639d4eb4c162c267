package io.tileinfer.raster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A remote read that fails on the network says why (the connection closed, the request timed out), not only
 * "TIFFReadEncodedStrip() failed", and a reader opened again after {@link RasterReader#forgetCached} fetches the
 * data for real.
 */
class RemoteReadFailureTest {
    private static final String BAND = "landsat8-LC80200392015216/B1.tif";
    /** All of the band: its strips after the first 16 KiB that GDAL fetches at open. */
    private static final Window ALL = new Window(0, 0, 627, 603);
    /** GDAL's first request of a file at open: 16 KiB, never cut or stalled here. */
    private static final long HEADER_BYTES = 16_384;
    static RangeHttpServer http;

    @BeforeAll
    static void start() throws Exception {
        http = RangeHttpServer.serve(TestData.sharedData());
    }

    @AfterAll
    static void stop() {
        http.close();
    }

    @BeforeEach
    void fetchEverythingAgain() {
        Gdal.init();
        GdalBindings.vsiCurlClearCache();
    }

    @Test
    void aConnectionClosedMidReadIsNamedAndAFreshReaderReadsTheBlockAgain() {
        String url = http.url(BAND);
        http.cutFrom(BAND, HEADER_BYTES);
        float[] dst = new float[(int) ALL.pixels()];
        try (RasterReader reader = RasterReader.open(url)) {
            RemoteAccessException e = assertThrows(RemoteAccessException.class,
                    () -> reader.read(ALL, new int[]{1}, dst), "a read through a dropped connection of " + url);
            assertEquals(RemoteFailure.INTERRUPTED, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("HTTP range request bytes="), "the failed request is named: "
                    + e.getMessage());
            assertTrue(e.getMessage().contains("transfer closed with"), "curl's reason is named: "
                    + e.getMessage());
            assertTrue(http.cuts() > 0, "the server cut the reads of " + url);
            http.heal(BAND);
            assertThrows(RasterException.class, () -> reader.read(ALL, new int[]{1}, dst),
                    "the same dataset fails again once the server is healthy: a retry needs a fresh one");
        }
        try (RasterReader reader = RasterReader.open(url)) {
            assertThrows(RasterException.class, () -> reader.read(ALL, new int[]{1}, dst),
                    "a fresh dataset reads GDAL's cached short block: the cache must be cleared too");
        }
        RasterReader.forgetCached(url);
        try (RasterReader reader = RasterReader.open(url)) {
            reader.read(ALL, new int[]{1}, dst);
        }
        assertArrayEquals(TestData.read(TestData.sharedData().resolve(BAND).toString(), ALL, 1), dst,
                "the fresh reader's pixels of " + url);
    }

    @Test
    void aStalledRangeRequestIsReportedAsATimeout() {
        String path = "landsat8-LC80200392015216/B2.tif";
        http.stallFrom(path, HEADER_BYTES);
        Gdal.setConfigOption("GDAL_HTTP_TIMEOUT", "2");
        Gdal.setConfigOption("GDAL_HTTP_MAX_RETRY", "0");
        try (RasterReader reader = RasterReader.open(http.url(path))) {
            RemoteAccessException e = assertThrows(RemoteAccessException.class,
                    () -> reader.read(ALL, new int[]{1}, new float[(int) ALL.pixels()]));
            assertEquals(RemoteFailure.TIMEOUT, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("Operation timed out"), "curl's reason is named: " + e.getMessage());
            assertTrue(e.getMessage().indexOf("HTTP range request") == e.getMessage().lastIndexOf("HTTP range"),
                    "one failed request is enough to tell: " + e.getMessage());
        } finally {
            ObjectStoreOptions.DEFAULTS.gdalOptions().forEach(Gdal::setConfigOption);
        }
    }
}
