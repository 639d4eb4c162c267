package io.tileinfer.api;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Platform threads for the native work of a request (GDAL decoding, ONNX Runtime, COG encoding). Requests arrive on
 * virtual threads, but a virtual thread inside a native call pins its carrier: run there, a few inferences would
 * block every carrier and health checks would wait behind them. Here they take at most {@code workers} threads,
 * and the request's virtual thread just waits.
 */
final class InferencePool implements AutoCloseable {

    private final ExecutorService executor;

    InferencePool(int workers) {
        AtomicInteger count = new AtomicInteger();
        executor = Executors.newFixedThreadPool(workers, work -> {
            Thread thread = new Thread(work, "tileinfer-inference-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs {@code work} and waits for it until {@code deadlineNanos} (a {@link System#nanoTime()} value).
     *
     * @throws ApiException 503 with Retry-After when the deadline passes first; the work's own ApiException
     */
    <T> T run(Callable<T> work, long deadlineNanos, String timeoutMessage) {
        Future<T> future = executor.submit(work);
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true); // dequeued if it has not started; a running native call finishes unobserved
            throw ApiException.unavailable("timeout", timeoutMessage, 1);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("timeout", "the request was interrupted (the server is stopping)", 1);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
