package io.tileinfer.core.run;

import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.scene.Expectations;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.model.TileModel;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

/** What every scene of a run shares. */
record RunContext(String runId, Path runDir, PipelineConfig config, TileModel model, ResultStore store,
                  RunMetrics metrics, RunListener listener, Expectations expectations, int tileSize, int halo,
                  ExecutorService workers) {

    Path chunkDir(String sceneId) {
        return runDir.resolve("chunks").resolve(sceneId);
    }

    Path prediction(String sceneId) {
        return runDir.resolve("predictions").resolve(sceneId + ".tif");
    }
}
