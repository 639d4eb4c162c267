package io.tileinfer.core.run;

import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.model.ModelVersion;

import java.util.function.LongFunction;

/**
 * The heap that a run's batches in flight at once need in one JVM: each holds a batch's input (bands) and output
 * (classes) values plus the post-processed tile, beside a base for the rest of the process. A run that cannot fit is
 * refused before anything of it is recorded, rather than failing tiles one by one with OutOfMemoryError.
 *
 * @param batchesAtOnce worker threads of a local run, or task slots of a Spark executor
 */
public record BatchHeap(PipelineConfig config, RunSettings settings, ModelVersion model, int batchesAtOnce) {
    /** What a run holds besides its batches: the store, the model's metadata, readers' caches, the JVM's own. */
    static final long BASE_BYTES = 64L << 20;

    public long neededBytes() {
        long tileValues = (long) settings.tileSize() * settings.tileSize();
        long perBatch = (long) config.batchSize() * tileValues * Float.BYTES
                * (model.card().bands().size() + 2L * model.card().classCount() + 2);
        return BASE_BYTES + batchesAtOnce * perBatch;
    }

    /**
     * @param what   the batches at once, for the message ("workers 2", "2 task slots of local[2]")
     * @param where  the JVM whose heap it is, for the message ("", " in the driver, where local executors run")
     * @param remedy how to give it more from the MB of heap to ask for (half as much again as needed), ending in the
     *               fewer of what ("set TILEINFER_JAVA_OPTS=-Xmx1234m, or use fewer workers"); "or smaller batches"
     *               follows
     * @throws ConfigException when {@code maxHeap} is less than {@link #neededBytes}
     */
    public void require(long maxHeap, String what, String where, LongFunction<String> remedy) {
        long needed = neededBytes();
        if (needed > maxHeap) {
            throw new ConfigException(config.file() + ": " + what + " x batch " + config.batchSize() + " tiles of "
                    + settings.tileSize() + " px with " + model.card().bands().size() + " bands need about "
                    + (needed >> 20) + " MB of heap, found a maximum of " + (maxHeap >> 20) + " MB" + where + ": "
                    + remedy.apply((needed * 3 / 2) >> 20) + " or smaller batches");
        }
    }
}
