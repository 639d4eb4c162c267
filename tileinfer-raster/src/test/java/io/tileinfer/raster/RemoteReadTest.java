package io.tileinfer.raster;

import static io.tileinfer.raster.TestData.ALL_FOUR_BANDS;
import static io.tileinfer.raster.TestData.read;
import static io.tileinfer.raster.TestData.variant;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rasters read over HTTP range requests and from a real S3-protocol server, both on loopback. */
class RemoteReadTest {
    private static final String COG = "l8_rgbn_cog.tif";
    /** Inside one 256 x 256 block of the COG's full-resolution image. */
    private static final Window SMALL = new Window(300, 300, 64, 64);
    private static final List<Window> WINDOWS = List.of(SMALL, new Window(0, 0, 627, 603),
            new Window(250, 505, 377, 98), new Window(500, 0, 127, 300));

    @TempDir
    static Path s3Root;
    static S3TestServer s3;
    static String s3Cog;
    static RangeHttpServer http;

    @BeforeAll
    static void startServers() throws Exception {
        s3 = S3TestServer.start(s3Root);
        s3Cog = s3.put("imagery", "landsat/" + COG, Path.of(variant(COG)));
        http = RangeHttpServer.serve(Path.of(variant(COG)).getParent());
    }

    @AfterAll
    static void stopServers() throws Exception {
        http.close();
        s3.close();
    }

    @BeforeEach
    void useTheTestServer() {
        s3.use(); // also empties GDAL's cache of remote files, so that every test fetches what it reads
    }

    @Test
    void aCogOverHttpHasTheSamePixelsAndInfoAsTheLocalFile() {
        assertSameAsLocal(http.url(COG));
    }

    @Test
    void aCogOverS3HasTheSamePixelsAndInfoAsTheLocalFile() {
        assertSameAsLocal(s3Cog);
    }

    private static void assertSameAsLocal(String remote) {
        try (RasterReader local = RasterReader.open(variant(COG)); RasterReader reader = RasterReader.open(remote)) {
            RasterInfo expected = local.info();
            RasterInfo info = reader.info();
            assertEquals(expected.width(), info.width());
            assertEquals(expected.bands(), info.bands());
            assertEquals(expected.transform(), info.transform());
            assertTrue(info.crs().sameAs(expected.crs()));
            assertEquals(expected.metadata(), info.metadata());
        }
        for (Window window : WINDOWS) {
            assertArrayEquals(read(variant(COG), window, ALL_FOUR_BANDS), read(remote, window, ALL_FOUR_BANDS),
                    window.toString());
        }
    }

    @Test
    void aSmallWindowFetchesAFractionOfTheFileOverHttp() throws Exception {
        long size = Files.size(Path.of(variant(COG)));
        http.resetCounts();
        read(http.url(COG), SMALL, ALL_FOUR_BANDS);
        // the header and one compressed 256 x 256 block of 4 bands: about a ninth of the 627 x 603 image
        assertTrue(http.bodyBytes() < size / 5, http.bodyBytes() + " of " + size + " bytes fetched");
        assertTrue(http.requests() <= 6, http.requests() + " requests");
    }

    @Test
    void aSmallWindowFetchesAFractionOfTheFileOverS3() throws Exception {
        long size = Files.size(Path.of(variant(COG)));
        s3.resetCount();
        read(s3Cog, SMALL, ALL_FOUR_BANDS);
        assertTrue(s3.bytesFetched() < size / 5,
                s3.bytesFetched() + " of " + size + " bytes fetched, headers included");
    }

    @Test
    void aMissingObjectOrBucketIsNotFound() {
        assertFailure(RemoteFailure.NOT_FOUND, "s3://imagery/landsat/missing.tif", "no such object");
        assertFailure(RemoteFailure.NOT_FOUND, "s3://no-such-bucket/scene.tif", "no such object");
        assertFailure(RemoteFailure.NOT_FOUND, http.url("missing.tif"), "HTTP response code: 404");
    }

    @Test
    void wrongCredentialsOrAForbiddenUrlAreAccessDenied() {
        Gdal.setConfigOption("AWS_SECRET_ACCESS_KEY", "not-the-secret");
        assertFailure(RemoteFailure.ACCESS_DENIED, s3Cog, "AWS_ACCESS_KEY_ID");
        http.failWith("forbidden.tif", 403);
        assertFailure(RemoteFailure.ACCESS_DENIED, http.url("forbidden.tif"), "access denied");
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertFailure(RemoteFailure.UNREACHABLE, "http://127.0.0.1:" + closedPort + "/" + COG, "cannot be reached");
        new ObjectStoreOptions(java.net.URI.create("http://127.0.0.1:" + closedPort), null, null, null, null, null,
                null, null).apply();
        assertFailure(RemoteFailure.UNREACHABLE, s3Cog, "Couldn't connect");
    }

    @Test
    void aServerThatDoesNotAnswerTimesOutAfterTheRetries() {
        new ObjectStoreOptions(null, null, null, null, 1, 1, 1, 0.1).apply();
        http.hang("hung.tif");
        http.resetCounts();
        long start = System.nanoTime();
        assertFailure(RemoteFailure.TIMEOUT, http.url("hung.tif"), "timed out");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(2, http.requests(), "one request and one retry");
        assertTrue(seconds < 10, "bounded by the timeout: " + seconds + " s");
    }

    @Test
    void aTransientServerErrorIsRetried() {
        new ObjectStoreOptions(null, null, null, null, 10, 5, 2, 0.1).apply();
        http.failFirst(COG, 1);
        http.resetCounts();
        assertArrayEquals(read(variant(COG), SMALL, ALL_FOUR_BANDS), read(http.url(COG), SMALL, ALL_FOUR_BANDS));
        assertTrue(http.requests() >= 2, "the 503 was retried");
    }

    private static void assertFailure(RemoteFailure expected, String location, String messagePart) {
        RemoteAccessException e = assertThrows(RemoteAccessException.class, () -> RasterReader.open(location));
        assertEquals(expected, e.failure(), e.getMessage());
        assertTrue(e.getMessage().startsWith(location + ": cannot open: "), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}
