package io.tileinfer.raster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain HTTP file server on loopback that answers Range requests (206) as object stores and CDNs do, and counts
 * the requests it answered and the body bytes it sent. Paths can be made to fail: a status for every request, or
 * a status for the first few requests only (a transient 503), or no answer at all (a hung server).
 */
public final class RangeHttpServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final Path root;
    private final HttpServer server;
    private final AtomicLong bodyBytes = new AtomicLong();
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> transientFailures = new ConcurrentHashMap<>();
    private final Map<String, Boolean> hung = new ConcurrentHashMap<>();
    private final Map<String, Long> cutFrom = new ConcurrentHashMap<>();
    private final Map<String, Long> stalled = new ConcurrentHashMap<>();
    /** The cuts {@link #cutFirst} has left to make, per path. */
    private final Map<String, AtomicInteger> cutsLeft = new ConcurrentHashMap<>();
    private final AtomicInteger cuts = new AtomicInteger();
    private final AtomicInteger stalls = new AtomicInteger();

    private RangeHttpServer(Path root) throws IOException {
        this.root = root;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread thread = new Thread(r, "range-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public static RangeHttpServer serve(Path root) throws IOException {
        return new RangeHttpServer(root);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
    }

    public long bodyBytes() {
        return bodyBytes.get();
    }

    public int requests() {
        return requests.get();
    }

    public void resetCounts() {
        bodyBytes.set(0);
        requests.set(0);
    }

    /** Every request for {@code path} gets {@code status} and no body. */
    public void failWith(String path, int status) {
        statuses.put("/" + path, status);
    }

    /** The next {@code times} requests for {@code path} get a 503, the ones after it the file. */
    public void failFirst(String path, int times) {
        transientFailures.put("/" + path, new AtomicInteger(times));
    }

    /** Requests for {@code path} are accepted and never answered. */
    public void hang(String path) {
        hung.put("/" + path, true);
    }

    /**
     * GETs of {@code path} for ranges starting at {@code fromByte} or later send a third of their body, then close
     * the connection (a dropped connection), until {@link #heal}. GDAL asks again for smaller ranges when a range
     * fails, so a single cut is often absorbed; a cut that lasts until healed is not.
     */
    public void cutFrom(String path, long fromByte) {
        cutFrom.put("/" + path, fromByte);
        cutsLeft.remove("/" + path);
    }

    /**
     * Like {@link #cutFrom}, healed after {@code times} cuts of this path: a network that drops a connection, then
     * works. (GDAL asks for a smaller range after a failed one of several chunks of a strip-organised file, which a
     * single cut does not defeat; a tile of a tiled TIFF is asked for once, in one range.)
     */
    public void cutFirst(String path, long fromByte, int times) {
        cutFrom.put("/" + path, fromByte);
        cutsLeft.put("/" + path, new AtomicInteger(times));
    }

    /** Answers {@code path} in full again. */
    public void heal(String path) {
        cutFrom.remove("/" + path);
        cutsLeft.remove("/" + path);
        stalled.remove("/" + path);
    }

    /** How many responses {@link #cutFrom} and {@link #cutFirst} cut short, of every path. */
    public int cuts() {
        return cuts.get();
    }

    /** How many requests {@link #stallFrom} left unanswered. */
    public int stalls() {
        return stalls.get();
    }

    /** HEAD and ranges before {@code fromByte} are answered; GETs of ranges from there on never are. */
    public void stallFrom(String path, long fromByte) {
        stalled.put("/" + path, fromByte);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            if (hung.containsKey(path)) {
                sleepUntilClosed();
                return;
            }
            Integer status = statuses.get(path);
            AtomicInteger failures = transientFailures.get(path);
            if (status == null && failures != null && failures.getAndDecrement() > 0) {
                status = 503;
            }
            Path file = root.resolve(path.substring(1)).normalize();
            if (status == null && (!file.startsWith(root) || !Files.isRegularFile(file))) {
                status = 404;
            }
            if (status != null) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            serveFile(exchange, file);
        }
    }

    private void serveFile(HttpExchange exchange, Path file) throws IOException {
        long size = Files.size(file);
        long start = 0;
        long end = size - 1;
        int status = 200;
        String range = exchange.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (m != null && m.matches()) {
            start = Long.parseLong(m.group(1));
            end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (start >= size) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            status = 206;
            exchange.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        long length = end - start + 1;
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        String path = exchange.getRequestURI().getPath();
        Long stallFrom = stalled.get(path);
        if (stallFrom != null && start >= stallFrom) {
            stalls.incrementAndGet();
            sleepUntilClosed();
            return;
        }
        Long cutStart = cutFrom.get(path);
        AtomicInteger cutsToMake = cutsLeft.get(path);
        if (cutStart != null && start >= cutStart && (cutsToMake == null || cutsToMake.getAndDecrement() > 0)) {
            cuts.incrementAndGet();
            length = Math.max(1, length / 3);
            // announced in full, sent a third: the client sees the connection close mid-body
            exchange.sendResponseHeaders(status, end - start + 1);
        } else {
            exchange.sendResponseHeaders(status, length);
        }
        try (var channel = Files.newByteChannel(file); OutputStream out = exchange.getResponseBody()) {
            channel.position(start);
            byte[] buffer = new byte[64 * 1024];
            long left = length;
            var wrapped = java.nio.ByteBuffer.wrap(buffer);
            while (left > 0) {
                wrapped.clear().limit((int) Math.min(buffer.length, left));
                int n = channel.read(wrapped);
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                bodyBytes.addAndGet(n);
                left -= n;
            }
        }
    }

    private static void sleepUntilClosed() {
        try {
            Thread.sleep(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
