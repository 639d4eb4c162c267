package io.tileinfer.raster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteFilesTest {
    @TempDir
    static Path s3Root;
    static S3TestServer s3;

    @BeforeAll
    static void startServer() throws Exception {
        s3 = S3TestServer.start(s3Root);
        s3.createBucket("outputs");
    }

    @AfterAll
    static void stopServer() throws Exception {
        s3.close();
    }

    @BeforeEach
    void useTheTestServer() {
        s3.use();
    }

    @Test
    void aDocumentIsReadWholeFromS3AndOverHttp(@TempDir Path dir) throws Exception {
        Path item = dir.resolve("item.json");
        Files.writeString(item, "{\"type\": \"Feature\"}");
        String url = s3.put("catalog", "items/item.json", item);
        assertEquals("{\"type\": \"Feature\"}", new String(RemoteFiles.read(url), StandardCharsets.UTF_8));
        try (RangeHttpServer http = RangeHttpServer.serve(dir)) {
            assertArrayEquals(Files.readAllBytes(item), RemoteFiles.read(http.url("item.json")));
        }
        assertArrayEquals(Files.readAllBytes(item), RemoteFiles.read(item.toString()));
    }

    @Test
    void anUploadArrivesWhole(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[3 * (1 << 20) + 12345]; // several of the upload's chunks
        new Random(7).nextBytes(bytes);
        Path file = dir.resolve("prediction.tif");
        Files.write(file, bytes);
        RemoteFiles.upload(file, "s3://outputs/run-1/predictions/prediction.tif");
        assertArrayEquals(bytes, Files.readAllBytes(s3.objectFile("outputs", "run-1/predictions/prediction.tif")));
        assertArrayEquals(bytes, RemoteFiles.read("s3://outputs/run-1/predictions/prediction.tif"));
    }

    @Test
    void readingOrWritingWhatCannotBeReachedSaysWhy(@TempDir Path dir) throws Exception {
        RemoteAccessException missing = assertThrows(RemoteAccessException.class,
                () -> RemoteFiles.read("s3://outputs/nothing-here.json"));
        assertEquals(RemoteFailure.NOT_FOUND, missing.failure(), missing.getMessage());
        Path file = Files.writeString(dir.resolve("m.json"), "{}");
        RemoteAccessException noBucket = assertThrows(RemoteAccessException.class,
                () -> RemoteFiles.upload(file, "s3://no-such-bucket/m.json"));
        assertEquals(RemoteFailure.NOT_FOUND, noBucket.failure(), noBucket.getMessage());
        Gdal.setConfigOption("AWS_SECRET_ACCESS_KEY", "not-the-secret");
        RemoteAccessException denied = assertThrows(RemoteAccessException.class,
                () -> RemoteFiles.upload(file, "s3://outputs/m.json"));
        assertEquals(RemoteFailure.ACCESS_DENIED, denied.failure(), denied.getMessage());
    }
}
