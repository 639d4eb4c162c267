package io.tileinfer.core.run;

import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.output.PredictionSink;
import io.tileinfer.model.ModelVersion;

/**
 * Executes the planned batches of a scene: on worker threads in this process ({@link BatchRunner#run()}), or on
 * the executors of a cluster. When {@link #run} returns, every tile of the plan has its row in the store and every
 * finished tile its pixels in the scene's scratch raster or in a prediction chunk, from which the driver
 * assembles the scene's raster.
 */
public interface BatchExecutor extends AutoCloseable {

    /** {@code scratch} takes the predictions of workers in this process; those elsewhere write chunks. */
    void run(ScenePlan plan, PredictionSink scratch);

    @Override
    void close();

    /** Opens the executor for a run once its id, model and store are known. */
    @FunctionalInterface
    interface Factory {
        BatchExecutor open(RunContext run);

        /**
         * Refuses a run this executor cannot carry (a {@link io.tileinfer.core.config.ConfigException}) before
         * anything of it is recorded; none by default.
         */
        default void refuse(PipelineConfig config, RunSettings settings, ModelVersion model) {
        }
    }
}
