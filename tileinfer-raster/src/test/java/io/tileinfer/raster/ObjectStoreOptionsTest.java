package io.tileinfer.raster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectStoreOptionsTest {

    @Test
    void anS3CompatibleEndpointBecomesGdalsOptions() {
        ObjectStoreOptions options = new ObjectStoreOptions(URI.create("http://127.0.0.1:9000/"), "eu-west-1", null,
                false, 20, 5, 4, 0.5);
        assertEquals(Map.of("AWS_S3_ENDPOINT", "127.0.0.1:9000", "AWS_HTTPS", "NO", "AWS_VIRTUAL_HOSTING", "FALSE",
                "AWS_REGION", "eu-west-1", "AWS_NO_SIGN_REQUEST", "NO", "GDAL_HTTP_TIMEOUT", "20",
                "GDAL_HTTP_CONNECTTIMEOUT", "5", "GDAL_HTTP_MAX_RETRY", "4", "GDAL_HTTP_RETRY_DELAY", "0.5"),
                options.gdalOptions());
    }

    @Test
    void withoutAnEndpointOnlyWhatIsSetIsPassedOn() {
        assertEquals(Map.of(), ObjectStoreOptions.NONE.gdalOptions());
        assertEquals(Map.of("AWS_S3_ENDPOINT", "minio.internal", "AWS_HTTPS", "YES", "AWS_VIRTUAL_HOSTING", "TRUE"),
                new ObjectStoreOptions(URI.create("https://minio.internal"), null, false, null, null, null, null,
                        null).gdalOptions());
        assertEquals(Map.of("AWS_NO_SIGN_REQUEST", "YES"),
                new ObjectStoreOptions(null, null, null, true, null, null, null, null).gdalOptions());
    }

    @Test
    void anEndpointMustBeAnHttpUrl() {
        assertThrows(IllegalArgumentException.class, () -> new ObjectStoreOptions(URI.create("s3://bucket"), null,
                null, null, null, null, null, null));
    }
}
