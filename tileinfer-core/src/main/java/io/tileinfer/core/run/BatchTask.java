package io.tileinfer.core.run;

import io.tileinfer.core.output.PredictionChunks;
import io.tileinfer.core.output.Postprocessor;
import io.tileinfer.core.output.TilePrediction;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileData;
import io.tileinfer.core.tile.TileReader;
import io.tileinfer.model.ClassSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One batch of consecutive tiles: read, infer together, crop, keep each prediction, then commit all rows in
 * one transaction. Batches are fixed by the grid, not by timing, so results do not depend on the thread count.
 * A failing tile is retried, then recorded with its cause; it never stops the batch.
 */
final class BatchTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchTask.class);

    private final RunContext ctx;
    private final Scene scene;
    private final List<Tile> tiles;
    private final Supplier<TileReader> readers;
    private final java.util.function.Consumer<TileReader> release;
    private final PredictionChunks chunks;
    private final Postprocessor postprocessor;

    BatchTask(RunContext ctx, Scene scene, List<Tile> tiles, Supplier<TileReader> readers,
              java.util.function.Consumer<TileReader> release, PredictionChunks chunks) {
        this.ctx = ctx;
        this.scene = scene;
        this.tiles = tiles;
        this.readers = readers;
        this.release = release;
        this.chunks = chunks;
        this.postprocessor = new Postprocessor(ctx.model().classCount(), ctx.tileSize(),
                ctx.config().probabilities());
    }

    /** A tile read and waiting for inference, with what it cost so far. */
    private record Pending(TileData data, int attempts, long nanos) {
    }

    @Override
    public void run() {
        MDC.put("run_id", ctx.runId());
        MDC.put("scene_id", scene.id());
        try {
            List<TileResult> results = new ArrayList<>();
            List<Pending> pending = new ArrayList<>();
            TileReader reader = readers.get();
            try {
                for (Tile tile : tiles) {
                    read(reader, tile, pending, results);
                }
            } finally {
                release.accept(reader);
            }
            if (!pending.isEmpty()) {
                infer(pending, results);
            }
            results.sort(java.util.Comparator.comparingInt(TileResult::tileIndex));
            ctx.store().saveTiles(results);
            results.forEach(r -> ctx.metrics().tile(r.status().name()));
            ctx.listener().tilesFinished(tiles.size());
        } finally {
            MDC.clear();
        }
    }

    private void read(TileReader reader, Tile tile, List<Pending> pending, List<TileResult> results) {
        long start = System.nanoTime();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ctx.config().retries() + 1; attempt++) {
            try {
                TileData data = reader.read(tile);
                long nanos = System.nanoTime() - start;
                ctx.metrics().record("read", nanos);
                if (data.empty()) {
                    results.add(row(tile, TileStatus.SKIPPED, null, null, attempt, Map.of(), nanos,
                            data.inputSha256()));
                } else {
                    pending.add(new Pending(data, attempt, nanos));
                }
                return;
            } catch (RuntimeException e) {
                last = e;
                LOG.warn("tile {}: read attempt {} failed: {}", tile.id(), attempt, e.getMessage());
            }
        }
        results.add(failed(tile, "read", last, ctx.config().retries() + 1, System.nanoTime() - start, null));
    }

    private void infer(List<Pending> pending, List<TileResult> results) {
        int plane = ctx.tileSize() * ctx.tileSize();
        int perTileIn = ctx.model().bandCount() * plane;
        int perTileOut = ctx.model().classCount() * plane;
        long start = System.nanoTime();
        float[] input = new float[pending.size() * perTileIn];
        for (int i = 0; i < pending.size(); i++) {
            System.arraycopy(pending.get(i).data().raw(), 0, input, i * perTileIn, perTileIn);
        }
        ctx.metrics().record("preprocess", System.nanoTime() - start);

        float[] probabilities = null;
        RuntimeException last = null;
        int attempts = 0;
        long inferStart = System.nanoTime();
        while (probabilities == null && attempts <= ctx.config().retries()) {
            attempts++;
            try {
                probabilities = ctx.model().predict(input, pending.size(), ctx.tileSize(), ctx.tileSize());
            } catch (RuntimeException e) {
                last = e;
                LOG.warn("batch of {} tiles: inference attempt {} failed: {}", pending.size(), attempts,
                        e.getMessage());
            }
        }
        long inferNanos = System.nanoTime() - inferStart;
        ctx.metrics().record("infer", inferNanos);
        if (probabilities == null) {
            for (Pending p : pending) {
                results.add(failed(p.data().tile(), "inference", last, attempts, p.nanos(), p.data().inputSha256()));
            }
            return;
        }
        long inferShare = inferNanos / pending.size();
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            long writeStart = System.nanoTime();
            Tile tile = p.data().tile();
            try {
                TilePrediction prediction = postprocessor.crop(p.data(), probabilities, i * perTileOut);
                chunks.write(prediction);
                long writeNanos = System.nanoTime() - writeStart;
                ctx.metrics().record("write", writeNanos);
                results.add(row(tile, TileStatus.DONE, null, null, p.attempts(), fractions(prediction),
                        p.nanos() + inferShare + writeNanos, p.data().inputSha256()));
            } catch (java.io.IOException | RuntimeException e) {
                results.add(failed(tile, "write", e, p.attempts(), p.nanos() + inferShare,
                        p.data().inputSha256()));
            }
        }
    }

    private Map<String, Double> fractions(TilePrediction prediction) {
        Map<String, Double> fractions = new LinkedHashMap<>();
        long valid = prediction.validPixels();
        List<ClassSpec> classes = ctx.model().card().classes();
        for (int k = 0; k < classes.size(); k++) {
            fractions.put(classes.get(k).name(), valid == 0 ? 0.0 : (double) prediction.classCounts()[k] / valid);
        }
        return fractions;
    }

    private TileResult failed(Tile tile, String cause, Exception error, int attempts, long nanos, String sha) {
        ctx.metrics().failure(cause);
        String message = error == null ? "unknown" : error.getMessage() == null ? error.toString() : error.getMessage();
        LOG.error("tile {} failed ({}) after {} attempts: {}", tile.id(), cause, attempts, message);
        return row(tile, TileStatus.FAILED, message, cause, attempts, Map.of(), nanos, sha);
    }

    private TileResult row(Tile tile, TileStatus status, String error, String cause, int attempts,
                           Map<String, Double> fractions, long nanos, String sha) {
        return new TileResult(ctx.runId(), scene.id(), tile.id(), tile.index(), tile.core(),
                scene.transform().bounds(tile.core()), status, error, cause, attempts, fractions, nanos / 1e6, sha,
                ctx.model().version());
    }
}
