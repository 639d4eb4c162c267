package io.tileinfer.api;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenerWatchTest {
    @Test
    void aPortThatStopsListeningIsToldAndOneThatListensIsNot() throws Exception {
        CountDownLatch deaf = new CountDownLatch(1);
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        InetSocketAddress address = ListenerWatch.of("0.0.0.0", listener.getLocalPort());
        assertEquals(InetAddress.getLoopbackAddress(), address.getAddress(), "a wildcard is probed on the loopback");
        try (ListenerWatch watch = new ListenerWatch(address, Duration.ofMillis(50), deaf::countDown)) {
            assertFalse(deaf.await(500, TimeUnit.MILLISECONDS), "listening: nothing to tell");
            listener.close(); // as Helidon's accept loop closes its socket when it dies
            assertTrue(deaf.await(5, TimeUnit.SECONDS), "refused twice: told");
        }
    }
}
