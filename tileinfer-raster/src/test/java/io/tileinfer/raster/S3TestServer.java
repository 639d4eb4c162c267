package io.tileinfer.raster;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real S3-protocol server (S3Proxy) on a free loopback port, storing objects as files: bucket {@code b} is the
 * directory {@code root/b}, key {@code k} the file {@code root/b/k}. Requests are signed (AWS V2 or V4) with
 * {@link #ACCESS_KEY} and {@link #SECRET_KEY}. Clients reach it through a {@link CountingRelay}, so a test can
 * tell how many bytes a read fetched.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "tileinfer-test";
    public static final String SECRET_KEY = "tileinfer-test-secret";
    public static final String REGION = "us-east-1";

    private final Path root;
    private final S3Proxy proxy;
    private final CountingRelay relay;

    private S3TestServer(Path root, S3Proxy proxy, CountingRelay relay) {
        this.root = root;
        this.proxy = proxy;
        this.relay = relay;
    }

    public static S3TestServer start(Path root) throws Exception {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(root.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!"STARTED".equals(proxy.getState())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new S3TestServer(root, proxy, CountingRelay.to(proxy.getPort()));
    }

    /** The endpoint clients use (the relay's). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + relay.port());
    }

    /** Path-style requests to this server, short timeouts and one retry, so that failure tests stay quick. */
    public ObjectStoreOptions options() {
        return new ObjectStoreOptions(endpoint(), REGION, true, false, 10, 5, 1, 0.2);
    }

    /** Uses this server from now on, with valid credentials (as GDAL config options, like the AWS variables). */
    public void use() {
        options().apply();
        Gdal.setConfigOption("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        Gdal.setConfigOption("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        // Never look for credentials on a cloud instance's metadata service: only loopback is ours.
        Gdal.setConfigOption("CPL_AWS_AUTODETECT_EC2", "NO");
    }

    public void createBucket(String bucket) throws IOException {
        Files.createDirectories(root.resolve(bucket));
    }

    /** Stores a copy of {@code file} as {@code s3://bucket/key} and returns that URL. */
    public String put(String bucket, String key, Path file) throws IOException {
        Path target = root.resolve(bucket).resolve(key);
        Files.createDirectories(target.getParent());
        Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return "s3://" + bucket + "/" + key;
    }

    public Path objectFile(String bucket, String key) {
        return root.resolve(bucket).resolve(key);
    }

    public long bytesFetched() {
        return relay.bytesToClient();
    }

    public void resetCount() {
        relay.resetCount();
    }

    @Override
    public void close() throws Exception {
        relay.close();
        proxy.stop();
    }
}
