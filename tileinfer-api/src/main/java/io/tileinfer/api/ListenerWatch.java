package io.tileinfer.api;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Helidon 4.5's accept loop ends for good on some errors (the process out of file descriptors: "Too many open
 * files"), its port closed and the JVM still running: a replica that answers no one and that no supervisor without an
 * HTTP probe restarts. This watch connects to the server's own port every period; refused twice in a row (no socket
 * listens there any more), it calls {@code deaf}. A connection that waits (the accept queue full at
 * --max-connections) is no such sign. The probe sends nothing, which Helidon neither answers nor counts.
 */
final class ListenerWatch implements AutoCloseable {
    static final Duration PERIOD = Duration.ofSeconds(5);
    private static final int REFUSALS = 2;

    private final InetSocketAddress address;
    private final Runnable deaf;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("tileinfer-listener-watch").factory());
    private int refused;

    ListenerWatch(InetSocketAddress address, Duration period, Runnable deaf) {
        this.address = address;
        this.deaf = deaf;
        timer.scheduleWithFixedDelay(this::probe, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The address to probe a server bound to {@code host}: a wildcard one is reached on the loopback. */
    static InetSocketAddress of(String host, int port) {
        InetSocketAddress bound = new InetSocketAddress(host, port);
        InetAddress address = bound.getAddress();
        return address.isAnyLocalAddress() ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port) : bound;
    }

    private void probe() {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) Math.min(PERIOD.toMillis(), 2_000));
            refused = 0;
        } catch (ConnectException noListener) {
            if (++refused >= REFUSALS) {
                timer.shutdown();
                deaf.run();
            }
        } catch (IOException | RuntimeException waiting) { // a time-out: the socket is there, its queue is full
            refused = 0;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
