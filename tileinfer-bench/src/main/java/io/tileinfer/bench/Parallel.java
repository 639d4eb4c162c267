package io.tileinfer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** THREADS threads take batches of 8 consecutive tiles in turn, as tileinfer's workers do; wall-clock seconds. */
final class Parallel {
    interface Worker extends AutoCloseable {
        /** Processes tiles [from, to) and returns a checksum of what it produced. */
        long batch(int from, int to);

        @Override
        default void close() {
        }
    }

    record Result(double seconds, long checksum) {
    }

    static final int BATCH = 8;

    static Result run(int threads, int tiles, IntFunction<Worker> workers) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        long[] sums = new long[threads];
        Throwable[] errors = new Throwable[threads];
        List<Thread> all = new ArrayList<>();
        // Open everything first (datasets, sessions) so that only the work is timed.
        List<Worker> opened = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            opened.add(workers.apply(t));
        }
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try (Worker worker = opened.get(id)) {
                    int batch;
                    while ((batch = next.getAndIncrement()) * BATCH < tiles) {
                        sums[id] += worker.batch(batch * BATCH, Math.min(tiles, batch * BATCH + BATCH));
                    }
                } catch (Throwable e) {
                    errors[id] = e;
                }
            }, "bench-" + t);
            thread.start();
            all.add(thread);
        }
        for (Thread thread : all) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long checksum = 0;
        for (int t = 0; t < threads; t++) {
            if (errors[t] != null) {
                throw new IllegalStateException("worker " + t + " failed", errors[t]);
            }
            checksum += sums[t];
        }
        return new Result(seconds, checksum);
    }

    private Parallel() {
    }
}
