package io.tileinfer.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Start-up on an address that cannot be listened on: one clear error at once, and nothing left running. */
class StartupTest {

    @Test
    void aPortHeldByAnotherSocketIsOneClearError(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            BindException refused = assertThrows(BindException.class,
                    () -> TestServer.start(dir, settings -> settings.withPort(port)).close());
            assertEquals("cannot listen on 127.0.0.1:" + port + ": the port is in use by another process: stop it "
                    + "or choose another --port", refused.getMessage());
        }
    }

    @Test
    void aSecondServerOnTheSamePortIsRefusedAndTheFirstGoesOnServing(@TempDir Path dir) throws Exception {
        try (TestServer first = TestServer.start(dir.resolve("first"), settings -> settings)) {
            int port = first.server.port();
            BindException refused = assertThrows(BindException.class,
                    () -> TestServer.start(dir.resolve("second"), settings -> settings.withPort(port)).close());
            assertEquals("cannot listen on 127.0.0.1:" + port + ": the port is in use by another process: stop it "
                    + "or choose another --port", refused.getMessage());
            assertEquals(200, first.http.get("/v2/health/ready").statusCode());
        }
    }

    @Test
    void anUnknownHostNameIsACommandLineError(@TempDir Path dir) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TestServer.start(dir, settings -> settings.withHost("no-such-host.invalid")).close());
        assertEquals("--host no-such-host.invalid: unknown host name, expected an address of this machine such as "
                + "127.0.0.1, or 0.0.0.0 for all of them", refused.getMessage());
    }
}
