package io.tileinfer.core.output;

import java.io.IOException;

/**
 * Where finished tiles' predictions wait for their scene's COG: the scene's scratch raster in the process that
 * assembles it ({@link SceneScratch}), or a file per tile for workers elsewhere ({@link PredictionChunks}). Writes
 * may come from several threads.
 */
public interface PredictionSink {

    /** When it returns, the prediction is in the file system: a later process reads it, so its row may commit. */
    void write(TilePrediction prediction) throws IOException;
}
