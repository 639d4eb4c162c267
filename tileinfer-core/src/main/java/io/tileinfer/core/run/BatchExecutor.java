package io.tileinfer.core.run;

/**
 * Executes the planned batches of a scene: on worker threads in this process ({@link BatchRunner#run()}), or on
 * the executors of a cluster. When {@link #run} returns, every tile of the plan has its row in the store and every
 * finished tile its prediction chunk, so the driver can assemble the scene's raster from the chunks alone.
 */
public interface BatchExecutor extends AutoCloseable {

    void run(ScenePlan plan);

    @Override
    void close();

    /** Opens the executor for a run once its id, model and store are known. */
    @FunctionalInterface
    interface Factory {
        BatchExecutor open(RunContext run);
    }
}
