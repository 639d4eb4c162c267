package io.tileinfer.core.store;

import io.tileinfer.raster.Window;

import java.util.Map;

/**
 * One row per tile and run. {@code bounds} is {minX, minY, maxX, maxY} of the core window in the scene's CRS;
 * {@code classFractions} maps class names to their share of the tile's valid pixels (empty unless DONE).
 */
public record TileResult(String runId, String sceneId, String tileId, int tileIndex, Window window,
                         double[] bounds, TileStatus status, String error, String cause, int attempts,
                         Map<String, Double> classFractions, double latencyMs, String inputSha256,
                         String modelVersion) {

    public TileResult withError(String newError) {
        return new TileResult(runId, sceneId, tileId, tileIndex, window, bounds, status, newError, cause, attempts,
                classFractions, latencyMs, inputSha256, modelVersion);
    }
}
