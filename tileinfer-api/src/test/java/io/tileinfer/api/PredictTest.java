package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.run.BatchRunner;
import io.tileinfer.core.run.LogProgress;
import io.tileinfer.core.run.RunSummary;
import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.raster.RasterInfo;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/predict} with real Landsat 8 tiles, against a batch run of the same scene. */
class PredictTest {

    @TempDir
    static Path dir;
    static TestServer api;
    static Path batchPrediction;
    static List<TileResult> batchTiles;

    @BeforeAll
    static void startServerAndRunBatch() throws Exception {
        api = TestServer.start(dir, settings -> settings.withCrs(io.tileinfer.raster.Crs.parse("EPSG:32616")));
        // The batch job over the COG with 256 px tiles and no halo: each tile is what a client would upload.
        Path config = dir.resolve("pipeline.yaml");
        Files.writeString(config, """
                model: production
                registry: %s
                output: runs
                tiling: {size: 256, halo: 0, batch: 4}
                scenes:
                  - {id: l8, file: %s}
                """.formatted(api.registry, Tiles.COG));
        RunSummary summary = new BatchRunner(ConfigLoader.load(config), new SimpleMeterRegistry(),
                new LogProgress(Duration.ofSeconds(30))).run();
        assertTrue(summary.complete());
        batchPrediction = summary.runDir().resolve("predictions/l8.tif");
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"))) {
            batchTiles = store.tiles(summary.runId());
        }
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** An interior tile, the right-edge tile (115 px wide) and the bottom-right corner tile (115 x 91). */
    @ParameterizedTest
    @CsvSource({"256, 256, 256, 256", "512, 0, 115, 256", "512, 512, 115, 91"})
    void aWindowCutFromTheSceneGetsTheClassMapAndHashOfTheBatchRun(int x, int y, int width, int height)
            throws Exception {
        Window window = new Window(x, y, width, height);
        Path tile = Tiles.cut(Tiles.COG, window, dir);

        HttpResponse<byte[]> response = api.http.postTiff("/v1/predict?pixels=true", tile);
        JsonNode body = Http.okJson(response);

        int[] classMap = new int[width * height];
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                classMap[row * width + col] = body.at("/class_map/" + row + "/" + col).asInt();
            }
        }
        assertArrayEquals(Tiles.band(batchPrediction, window, 1), classMap);

        TileResult batchTile = batchTiles.stream().filter(t -> t.window().equals(window)).findFirst().orElseThrow();
        assertEquals(batchTile.inputSha256(), body.get("input_sha256").asText());
        batchTile.classFractions().forEach((name, fraction) ->
                assertEquals(fraction, body.at("/class_fractions/" + name).asDouble(), 1e-12, name));
        assertEquals(api.model.id(), body.get("model_version").asText());
        assertEquals(api.model.id(), response.headers().firstValue("X-Model-Version").orElseThrow());
        assertEquals(response.headers().firstValue("X-Request-Id").orElseThrow(), body.get("request_id").asText());
        assertEquals(io.tileinfer.core.Hashing.sha256(tile), body.get("file_sha256").asText());
        assertEquals("EPSG:32616", body.get("crs").asText());
    }

    @Test
    void answersAGeoTiffOnTheInputsGridWithBatchsBandsWhenAskedForImageTiff() throws Exception {
        Window window = new Window(256, 256, 256, 256);
        Path tile = Tiles.cut(Tiles.COG, window, dir);
        HttpResponse<byte[]> response = api.http.postTiff("/v1/predict", tile, "Accept", "image/tiff");
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("image/tiff", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(api.model.id(), response.headers().firstValue("X-Model-Version").orElseThrow());

        Path received = dir.resolve("received.tif");
        Files.write(received, response.body());
        try (RasterReader prediction = RasterReader.open(received.toString());
             RasterReader input = RasterReader.open(tile.toString())) {
            RasterInfo info = prediction.info();
            assertEquals(input.info().transform(), info.transform());
            assertTrue(info.crs().sameAs(input.info().crs()));
            assertEquals(3, info.bandCount()); // class, p_clear, p_cloud
            assertEquals(255.0, info.bands().getFirst().nodata());
            assertEquals(api.model.id(), info.metadata().get("TILEINFER_MODEL_VERSION"));
            assertEquals(response.headers().firstValue("X-Input-Sha256").orElseThrow(),
                    info.metadata().get("TILEINFER_INPUT_SHA256"));
        }
        Window whole = new Window(0, 0, 256, 256);
        for (int band = 1; band <= 3; band++) {
            assertArrayEquals(Tiles.band(batchPrediction, window, band), Tiles.band(received, whole, band),
                    "band " + band);
        }
    }

    /**
     * A tile whose band descriptions name the model's bands in another order is read by name, as batch reads it: the
     * same values in the model's order (the same input SHA-256) and the same prediction as the tile in that order.
     * Descriptions that name some model bands at other positions, and not all of them, are a 422.
     */
    @Test
    void aTileWhoseBandDescriptionsNameTheModelsBandsInAnotherOrderIsReadByName() throws Exception {
        Path tile = Tiles.cut(Tiles.COG, new Window(256, 0, 256, 256), dir);
        Path reversed = SharedData.describedBands(tile, dir.resolve("reversed.tif"), new int[]{4, 3, 2, 1},
                "B5", "B4", "B3", "B2");
        JsonNode inOrder = Http.json(api.http.postTiff("/v1/predict?pixels=true", tile));
        HttpResponse<byte[]> response = api.http.postTiff("/v1/predict?pixels=true", reversed);
        JsonNode byName = Http.okJson(response);
        assertEquals(inOrder.get("input_sha256"), byName.get("input_sha256"));
        assertEquals(inOrder.get("class_fractions"), byName.get("class_fractions"));
        assertEquals(inOrder.get("class_map"), byName.get("class_map"));

        Path partly = SharedData.describedBands(tile, dir.resolve("partly.tif"), new int[]{4, 2, 3, 1},
                "B5", "B3", "", "");
        assertError(422, "partly.tif: bands: found band descriptions [B5, B3, (none), (none)] that name only some of "
                + "the model's bands, at other positions (by position: band 1 described \"B5\" as B2), expected "
                + "descriptions naming all the model's bands [B2, B3, B4, B5] (read by name, in any order), or "
                + "band_names", multipart("partly.tif", Files.readAllBytes(partly)));
    }

    /**
     * The model's bands are not corrected for the sun angle: ?sun_elevation= changes nothing (at 20 degrees, a
     * corrected model would call this whole tile cloud), and a tile without a time needs none
     * ({@link #acceptsEveryLayoutOfAGoodTile}).
     */
    @Test
    void aSunElevationChangesNothingForAModelWithoutCorrectedBands() throws Exception {
        Path tile = Tiles.cut(Tiles.COG, new Window(256, 256, 256, 256), dir);
        JsonNode without = Http.json(api.http.postTiff("/v1/predict?pixels=true", tile));
        HttpResponse<byte[]> response = api.http.postTiff("/v1/predict?pixels=true&sun_elevation=20", tile);
        JsonNode with = Http.okJson(response);
        assertEquals(without.get("class_map"), with.get("class_map"));
        assertEquals(without.get("class_fractions"), with.get("class_fractions"));
        assertTrue(with.at("/class_fractions/clear").asDouble() > 0.9, with.get("class_fractions").toString());
    }

    /** The most specific range that names a type decides, and q=0 refuses it. */
    @Test
    void weighsTheRangesOfTheAcceptHeader() throws Exception {
        Path tile = Tiles.cut(Tiles.COG, new Window(0, 0, 64, 64), dir);
        Map<String, String> answers = Map.of(
                "application/json;q=0, image/tiff", "image/tiff",
                "image/*", "image/tiff",
                "text/html, application/*;q=0.5", "application/json",
                "image/tiff, */*", "application/json", // as welcome: JSON
                "image/tiff, */*;q=0.1", "image/tiff", // the higher q wins
                "image/tiff, application/json;q=0.5", "image/tiff",
                "image/tiff;q=0.5, application/json", "application/json",
                // application/json named: its own q counts, not the +json type's
                "image/tiff;q=0.5, application/json;q=0.1, application/problem+json", "image/tiff");
        for (Map.Entry<String, String> accept : answers.entrySet()) {
            HttpResponse<byte[]> response = api.http.postTiff("/v1/predict", tile, "Accept", accept.getKey());
            assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
            assertEquals(accept.getValue(), response.headers().firstValue("Content-Type").orElseThrow(),
                    accept.getKey());
        }
        assertError(406, "Accept: image/*;q=0, application/json;q=0 cannot be served, expected application/json "
                + "(class fractions) or image/tiff", api.http.postTiff("/v1/predict", tile, "Accept",
                "image/*;q=0, application/json;q=0"));
        // a +json type does not stand for application/json when the client refuses that by name
        assertError(406, "Accept: application/json;q=0, application/ld+json cannot be served", api.http.postTiff(
                "/v1/predict", tile, "Accept", "application/json;q=0, application/ld+json"));
        assertError(400, "Accept: application/json;q=abc cannot be read", api.http.postTiff("/v1/predict", tile,
                "Accept", "application/json;q=abc"));
    }

    @Test
    void takesTheTileAsTheFilePartOfAMultipartBodyToo() throws Exception {
        Path tile = Tiles.cut(Tiles.COG, new Window(0, 0, 256, 256), dir);
        String boundary = "tileinfer-test-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"my tile.tif\"\r\n"
                + "Content-Type: image/tiff\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> response = api.http.send(api.http.request("/v1/predict")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(tile), HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build());
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> plain = api.http.postTiff("/v1/predict", tile);
        assertEquals(Http.json(plain).get("input_sha256"), Http.json(response).get("input_sha256"));
        assertEquals(Http.json(plain).get("class_fractions"), Http.json(response).get("class_fractions"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-boundary", "unclosed", "two-unnamed-parts"})
    void aMalformedMultipartBodyIs400WithWhatWasExpected(String fault) throws Exception {
        byte[] tile = Files.readAllBytes(Tiles.cut(Tiles.COG, new Window(0, 0, 64, 64), dir));
        String contentType = fault.equals("no-boundary") ? "multipart/form-data" : "multipart/form-data; boundary=b";
        byte[] body = switch (fault) {
            case "unclosed" -> java.util.Arrays.copyOf(multipartBody("t.tif", tile), 200 + tile.length / 2);
            case "two-unnamed-parts" -> ("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                    + "--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n2\r\n--b--\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            default -> multipartBody("t.tif", tile);
        };
        HttpResponse<byte[]> response = api.http.send(api.http.request("/v1/predict")
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertEquals(400, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        String error = Http.json(response).get("error").asText();
        assertTrue(error.contains("\"file\""), error);
    }

    /** Two files would leave the client guessing which one the answer is for: neither is taken. */
    @Test
    void refusesAMultipartBodyWithTwoFileParts() throws Exception {
        byte[] tile = Files.readAllBytes(Tiles.cut(Tiles.COG, new Window(0, 0, 64, 64), dir));
        byte[] first = multipartBody("a.tif", tile);
        byte[] second = multipartBody("b.tif", tile);
        // the first body without its closing delimiter "--b--\r\n", then the second: two parts named "file"
        byte[] body = new byte[first.length - 7 + second.length];
        System.arraycopy(first, 0, body, 0, first.length - 7);
        System.arraycopy(second, 0, body, first.length - 7, second.length);
        assertError(400, "the multipart body has 2 parts named \"file\", expected one",
                api.http.send(api.http.request("/v1/predict").header("Content-Type", "multipart/form-data; boundary=b")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"l8_rgbn_strip_band.tif", "l8_rgbn_tiled_zstd.tif", "l8_rgbn_bigtiff.tif",
            "l8_rgbn_no_datetime.tif", "l8_rgbn_nodata0.tif"})
    void acceptsEveryLayoutOfAGoodTile(String variant) throws Exception {
        HttpResponse<byte[]> response = api.http.postTiff("/v1/predict", SharedData.VARIANTS.resolve(variant));
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(627 * 603, Http.json(response).get("valid_pixels").asLong() + (variant.contains("nodata0")
                ? countZeroPixels() : 0));
    }

    /** Pixels where a band is 0, which the nodata = 0 variant declares as nodata. */
    private static long countZeroPixels() {
        float[] values = Tiles.values(Tiles.COG, new Window(0, 0, 627, 603));
        int plane = 627 * 603;
        long zero = 0;
        for (int p = 0; p < plane; p++) {
            for (int b = 0; b < 4; b++) {
                if (values[b * plane + p] == 0) {
                    zero++;
                    break;
                }
            }
        }
        return zero;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not_a_tiff.tif | 400 | not_a_tiff.tif: readable: found cannot open as a GeoTIFF: ",
            "l8_rgbn_truncated.tif | 400 | l8_rgbn_truncated.tif: integrity: found block (0,0) of band 1 ends at byte",
            "l8_rgb_3band.tif | 422 | l8_rgb_3band.tif: band-count: found 3 bands, expected 4 bands [B2, B3, B4, B5]",
            "l8_rgbn_float32.tif | 422 | l8_rgbn_float32.tif: data-type: found float32 in bands 1, 2, 3, 4, expected uint16 as",
            "l8_rgbn_no_crs.tif | 422 | l8_rgbn_no_crs.tif: crs: found no coordinate reference system",
            "l8_rgbn_epsg4326.tif | 422 | l8_rgbn_epsg4326.tif: crs-config: found EPSG:4326, expected EPSG:32616"})
    void refusesTheBrokenFilesWithAPreciseMessage(String variant, int status, String message) throws Exception {
        byte[] file = Files.readAllBytes(SharedData.VARIANTS.resolve(variant));
        HttpResponse<byte[]> response = multipart(variant, file);
        assertEquals(status, response.statusCode());
        String error = Http.json(response).get("error").asText();
        assertTrue(error.startsWith(message), error);
        assertTrue(!error.contains("/vsimem/"), error);
        assertEquals(api.model.id(), Http.json(response).get("model_version").asText());
    }

    /** A VRT would have the server read the files and URLs it names; an upload is opened as a GeoTIFF only. */
    @Test
    void refusesAVrtThatNamesAFileOfTheServer() throws Exception {
        String vrt = """
                <VRTDataset rasterXSize="1" rasterYSize="1">
                  <VRTRasterBand dataType="UInt16" band="1" subClass="VRTRawRasterBand">
                    <SourceFilename relativeToVRT="0">/etc/hostname</SourceFilename>
                    <ImageOffset>0</ImageOffset><PixelOffset>2</PixelOffset><LineOffset>2</LineOffset>
                  </VRTRasterBand>
                </VRTDataset>
                """;
        HttpResponse<byte[]> response = multipart("tile.tif", vrt.getBytes(StandardCharsets.UTF_8));
        assertError(400, "tile.tif: readable: found cannot open as a GeoTIFF: ", response);
    }

    @Test
    void refusesWhatIsNoTileRequestWithTheRightStatus() throws Exception {
        Path tile = SharedData.VARIANTS.resolve("l8_rgbn_cog.tif");
        assertError(415, "Content-Type application/json: send the GeoTIFF tile as image/tiff",
                api.http.postJson("/v1/predict", Map.of("a", 1)));
        assertError(400, "tile.tif: the tile is empty (0 bytes)", api.http.send(api.http.request("/v1/predict")
                .header("Content-Type", "image/tiff").POST(HttpRequest.BodyPublishers.noBody()).build()));
        assertError(406, "Accept: text/html cannot be served",
                api.http.postTiff("/v1/predict", tile, "Accept", "text/html"));
        assertError(400, "query parameter pixels: found \"yes\", expected true or false",
                api.http.postTiff("/v1/predict?pixels=yes", tile));
    }

    @Test
    void enforcesTheBodyAndTileLimits(@TempDir Path own) throws Exception {
        try (TestServer small = TestServer.start(own, s -> s.withLimits(3_000_000, 256, 4, 1,
                Duration.ofSeconds(30)))) {
            assertError(413, "the request body has 3216231 bytes, the limit is 3000000 bytes",
                    small.http.postTiff("/v1/predict", Tiles.COG));
            assertError(422, "l8_rgbn_cog.tif: size: found 627 x 603 pixels, expected at most 256 x 256",
                    small.http.send(small.http.request("/v1/predict")
                            .header("Content-Type", "multipart/form-data; boundary=b")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(multipartBody("l8_rgbn_cog.tif",
                                    Files.readAllBytes(SharedData.VARIANTS.resolve("l8_rgbn_tiled_zstd.tif"))))).build()));
        }
    }

    static void assertError(int status, String messageStart, HttpResponse<byte[]> response) throws Exception {
        assertEquals(status, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        String error = Http.json(response).get("error").asText();
        assertTrue(error.startsWith(messageStart), error);
    }

    private static HttpResponse<byte[]> multipart(String fileName, byte[] file) throws Exception {
        return api.http.send(api.http.request("/v1/predict").header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipartBody(fileName, file))).build());
    }

    static byte[] multipartBody(String fileName, byte[] file) {
        byte[] head = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\r\n--b--\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + file.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(file, 0, body, head.length, file.length);
        System.arraycopy(tail, 0, body, head.length + file.length, tail.length);
        return body;
    }
}
