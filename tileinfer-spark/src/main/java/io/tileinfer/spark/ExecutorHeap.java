package io.tileinfer.spark;

import io.tileinfer.core.run.BatchHeap;
import org.apache.spark.SparkConf;

import java.util.function.LongFunction;

/**
 * The heap that one executor's task slots share, as far as the driver can know it before the first job: a local
 * master's executors run in the driver's own JVM; a cluster's have {@code spark.executor.memory} (Spark's default 1g)
 * for {@code spark.executor.cores} slots (1 when unset: a lower bound, so that the check refuses only what cannot fit).
 * Spark keeps 300 MB of each heap for itself. A run refused here exits 2 before anything is recorded, where it would
 * otherwise end in an executor's OutOfMemoryError (exit 52) after its rows began.
 *
 * @param usableBytes the heap less Spark's reserve
 */
record ExecutorHeap(long usableBytes, int slots, String what, String where, LongFunction<String> remedy) {
    /** Spark's {@code RESERVED_SYSTEM_MEMORY_BYTES}. */
    static final long RESERVED_MB = 300;
    static final long SPARK_RESERVED_BYTES = RESERVED_MB << 20;

    static ExecutorHeap of(SparkConf conf, int defaultParallelism, long driverMaxHeap) {
        String master = conf.get("spark.master", "local");
        if (SparkBatches.isLocal(master)) {
            return new ExecutorHeap(driverMaxHeap - SPARK_RESERVED_BYTES, defaultParallelism,
                    defaultParallelism + " task slots of " + master,
                    " in the driver, where local executors run (its heap less Spark's 300 MB)",
                    mb -> "set spark.driver.memory (spark-submit --driver-memory) to " + (mb + RESERVED_MB)
                            + "m, or use fewer task slots");
        }
        long memory = conf.getSizeAsMb("spark.executor.memory", "1g") << 20; // as Spark reads it: "4096" is MiB
        int slots = Math.max(1, conf.getInt("spark.executor.cores", 1) / conf.getInt("spark.task.cpus", 1));
        return new ExecutorHeap(memory - SPARK_RESERVED_BYTES, slots, slots + " task slots of an executor",
                " in an executor (spark.executor.memory less Spark's 300 MB)",
                mb -> "set spark.executor.memory to " + (mb + RESERVED_MB) + "m, or use fewer spark.executor.cores");
    }

    void require(BatchHeap batches) {
        batches.require(usableBytes, what, where, remedy);
    }
}
