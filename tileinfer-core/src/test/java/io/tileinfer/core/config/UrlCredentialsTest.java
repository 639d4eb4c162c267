package io.tileinfer.core.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Which part of a location holds credentials, said without the secret (here always "s3cr3t"). */
class UrlCredentialsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://alice:s3cr3t@imagery.example.org/B4.tif | user-info (user:password@ before the host)",
            "http://s3cr3t@127.0.0.1:8080/B4.tif             | user-info (user:password@ before the host)",
            "/vsicurl/https://alice:s3cr3t@host/B4.tif       | user-info (user:password@ before the host)",
            "https://b.s3.amazonaws.com/B4.tif?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=s3cr3t%2F20240101"
                    + " | the query parameter X-Amz-Credential (a signed URL)",
            "https://b.s3.amazonaws.com/B4.tif?x-amz-signature=s3cr3t | the query parameter x-amz-signature "
                    + "(a signed URL)",
            "https://h/B4.tif?X-Amz-Date=1&X-Amz-Security-Token=s3cr3t | the query parameter X-Amz-Security-Token "
                    + "(a signed URL)",
            "https://acct.blob.core.windows.net/c/B4.tif?sv=2022-11-02&sp=r&SIG=s3cr3t | the query parameter SIG "
                    + "(a signed URL)",
            "https://storage.googleapis.com/b/B4.tif?X-Goog-Algorithm=x&X-Goog-Signature=s3cr3t | the query parameter "
                    + "X-Goog-Signature (a signed URL)",
            "https://storage.googleapis.com/b/B4.tif?X-Goog-Credential=s3cr3t | the query parameter X-Goog-Credential "
                    + "(a signed URL)",
            "https://d111.cloudfront.net/B4.tif?Expires=1&Signature=s3cr3t&Key-Pair-Id=K2 | the query parameter "
                    + "Signature (a signed URL)",
            "https://d111.cloudfront.net/B4.tif?Key-Pair-Id=s3cr3t | the query parameter Key-Pair-Id (a signed URL)",
            // GDAL's /vsicurl?url= form, whose URL is percent-encoded
            "/vsicurl?url=https%3A%2F%2Fh%2FB4.tif%3FX-Amz-Signature%3Ds3cr3t&use_head=no | the query parameter "
                    + "X-Amz-Signature (a signed URL)",
            "/vsicurl?url=https%3A%2F%2Falice%3As3cr3t%40h%2FB4.tif | user-info (user:password@ before the host)",
            "https://h/B4.tif?X%2DAmz%2DSignature=s3cr3t | the query parameter X-Amz-Signature (a signed URL)",
            "https://h/B4.tif?token=s3cr3t | the query parameter token (a token)",
            "https://h/B4.tif?a=1&Access_Token=s3cr3t | the query parameter Access_Token (a token)",
            "https://h/B4.tif?api_key=s3cr3t | the query parameter api_key (a token)"})
    void namesThePartThatHoldsCredentials(String location, String part) {
        assertEquals(Optional.of(part), UrlCredentials.find(location));
        assertFalse(UrlCredentials.shown(location).contains("s3cr3t"), UrlCredentials.shown(location));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://imagery.example.org/B4.tif", "s3://bucket/scenes/B4.tif",
            "/vsis3/bucket/B4.tif", "https://h/B4.tif?response-content-type=image/tiff&design=1&signatures=2",
            "https://h/a@b/B4.tif", "https://h/B4.tif#sig=1", "https://h/50%.tif",
            // a local file's name is no URL: '@' and '?' are letters of it
            "/data/user:pw@host/B4.tif", "data/B4.tif?X-Amz-Signature=1"})
    void aLocationWithoutCredentialsPasses(String location) {
        assertEquals(Optional.empty(), UrlCredentials.find(location));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://alice:s3cr3t@host/B4.tif | https://***@host/B4.tif",
            "https://host/B4.tif?X-Amz-Signature=s3cr3t | https://host/B4.tif?...",
            "/vsicurl?url=https%3A%2F%2Fhost%2FB4.tif%3Fsig%3Ds3cr3t | /vsicurl?..."})
    void aLocationIsShownWithoutItsCredentials(String location, String shown) {
        assertEquals(shown, UrlCredentials.shown(location));
    }
}
