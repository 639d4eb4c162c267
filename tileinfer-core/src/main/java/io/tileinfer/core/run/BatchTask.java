package io.tileinfer.core.run;

import io.tileinfer.core.output.PredictionSink;
import io.tileinfer.core.output.Postprocessor;
import io.tileinfer.core.output.TilePrediction;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileData;
import io.tileinfer.core.tile.TileReader;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.model.InputScaling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One batch of consecutive tiles: read, infer together, crop (and, when blending, keep the probabilities over each
 * tile's kept window), write each prediction to the sink, then commit all
 * rows in one transaction. Batches are fixed by the grid, not by timing, so results do not depend on the thread count
 * or on which Spark executor runs them. A failing tile is retried, then recorded with its cause; it never stops
 * the batch.
 */
public final class BatchTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchTask.class);

    private final BatchContext ctx;
    private final Scene scene;
    private final List<Tile> tiles;
    private final TileReader reader;
    private final PredictionSink predictions;
    private final Postprocessor postprocessor;
    private final InputScaling scaling;
    private final BooleanSupplier stopped;

    /** {@code reader} reads {@code scene} and is this task's alone while it runs. */
    public BatchTask(BatchContext ctx, Scene scene, List<Tile> tiles, TileReader reader, PredictionSink predictions) {
        this(ctx, scene, tiles, reader, predictions, () -> false);
    }

    /**
     * As above, for a run that can be asked to stop: once {@code stopped} says so, no further tile is read and no
     * failed read is tried again; the tiles read are inferred and committed, the others left without a row, for
     * the next run of the same configuration.
     */
    public BatchTask(BatchContext ctx, Scene scene, List<Tile> tiles, TileReader reader, PredictionSink predictions,
                     BooleanSupplier stopped) {
        this.stopped = stopped;
        this.ctx = ctx;
        this.scene = scene;
        this.tiles = tiles;
        this.reader = reader;
        this.predictions = predictions;
        this.postprocessor = new Postprocessor(ctx.model().classCount(), ctx.tileSize(), ctx.probabilities());
        this.scaling = ctx.model().scaling(scene.sunElevation()); // the validated scene has one where it is needed
    }

    /** A tile read and waiting for inference, with what it cost so far. */
    private record Pending(TileData data, int attempts, long nanos) {
    }

    /**
     * Each worker thread's model input and output for a full batch, reused: tiles are read straight into the input,
     * in the order of the batch's pending tiles, and the model writes the probabilities of those tiles into the
     * output's start, so that a batch costs no tile-sized allocation or copy of its own.
     */
    private static final ThreadLocal<float[]> BATCH_INPUT = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> BATCH_OUTPUT = ThreadLocal.withInitial(() -> new float[0]);

    private float[] input;
    private int perTileIn;

    @Override
    public void run() {
        MDC.put("run_id", ctx.runId());
        MDC.put("scene_id", scene.id());
        try {
            List<TileResult> results = new ArrayList<>();
            List<Pending> pending = new ArrayList<>();
            perTileIn = reader.tileValues();
            input = reused(BATCH_INPUT, tiles.size() * perTileIn);
            for (Tile tile : tiles) {
                if (stopped.getAsBoolean()) {
                    LOG.info("stop requested: {} of the batch's {} tiles from {} left for the next run",
                            tiles.size() - results.size() - pending.size(), tiles.size(), tiles.getFirst().id());
                    break;
                }
                read(tile, pending, results);
            }
            if (!pending.isEmpty()) {
                infer(pending, results);
            }
            commit(ctx, results);
        } finally {
            MDC.clear();
        }
    }

    /**
     * Records every tile of a batch as failed without running it: for a batch whose every attempt was lost with
     * the process that ran it (a crash in native code, say), so that the rest of the run can finish. A resumed
     * run tries such tiles again.
     */
    public static void recordFailed(BatchContext ctx, Scene scene, List<Tile> tiles, String cause, String message,
                                    int attempts) {
        List<TileResult> results = new ArrayList<>();
        for (Tile tile : tiles) {
            ctx.metrics().failure(cause);
            results.add(row(ctx, scene, tile, TileStatus.FAILED, message, cause, attempts, Map.of(), 0, null));
        }
        LOG.error("{} tiles from {} recorded as failed ({}) after {} attempts: {}", tiles.size(),
                tiles.getFirst().id(), cause, attempts, message);
        commit(ctx, results);
    }

    private static void commit(BatchContext ctx, List<TileResult> results) {
        results.sort(java.util.Comparator.comparingInt(TileResult::tileIndex));
        ctx.store().saveTiles(results);
        results.forEach(r -> ctx.metrics().tile(r.status().name()));
        ctx.listener().tilesFinished(results.size());
    }

    /**
     * The first wait before a read is tried again over the network, doubled for each further attempt up to
     * {@link #MAX_BACKOFF_MILLIS}: time for a dropped connection or an overloaded server to recover.
     */
    static final long FIRST_BACKOFF_MILLIS = 500;
    static final long MAX_BACKOFF_MILLIS = 4_000;

    /**
     * Reads a tile, trying a failed read again up to {@code retries} times, each time on freshly opened datasets
     * (a GDAL dataset whose read failed keeps the failure: see {@link TileReader#reopen()}). Remote scenes wait
     * before each new attempt; local ones do not, as a local read error (a corrupt block) fails again at once and
     * costs little. A stop request ends the attempts: the tile then has no row, and the next run reads it.
     */
    private void read(Tile tile, List<Pending> pending, List<TileResult> results) {
        long start = System.nanoTime();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ctx.retries() + 1; attempt++) {
            if (attempt > 1 && !prepareRetry(tile, attempt)) {
                return;
            }
            try {
                TileData data = reader.readInto(tile, input, pending.size() * perTileIn);
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
                try (MDC.MDCCloseable id = MDC.putCloseable("tile_id", tile.id())) {
                    LOG.warn("tile {}: read attempt {} failed: {}", tile.id(), attempt, e.getMessage());
                }
            }
        }
        results.add(failed(tile, "read", last, ctx.retries() + 1, System.nanoTime() - start, null));
    }

    /** Waits (remote scenes) and reopens the reader; false when a stop request came first. */
    private boolean prepareRetry(Tile tile, int attempt) {
        if (reader.remote()) {
            long wait = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempt - 2, 16));
            long until = System.nanoTime() + wait * 1_000_000;
            while (!stopped.getAsBoolean() && System.nanoTime() < until) {
                try {
                    Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting to read " + tile.id() + " again", e);
                }
            }
        }
        if (stopped.getAsBoolean()) {
            LOG.info("tile {}: not read again after a stop request; left for the next run", tile.id());
            return false;
        }
        reader.reopen();
        return true;
    }

    private static float[] reused(ThreadLocal<float[]> buffer, int size) {
        float[] values = buffer.get();
        if (values.length < size) {
            values = new float[size];
            buffer.set(values);
        }
        return values;
    }

    private void infer(List<Pending> pending, List<TileResult> results) {
        int plane = ctx.tileSize() * ctx.tileSize();
        int perTileOut = ctx.model().classCount() * plane;
        float[] probabilities = reused(BATCH_OUTPUT, tiles.size() * perTileOut);
        boolean predicted = false;
        RuntimeException last = null;
        int attempts = 0;
        long inferStart = System.nanoTime();
        while (!predicted && attempts <= ctx.retries()) {
            attempts++;
            try {
                // the pending tiles are the input's first ones; the rest of it is an earlier batch's
                ctx.model().predict(scaling, input, pending.size(), ctx.tileSize(), ctx.tileSize(), probabilities);
                predicted = true;
            } catch (RuntimeException e) {
                last = e;
                LOG.warn("batch of {} tiles: inference attempt {} failed: {}", pending.size(), attempts,
                        e.getMessage());
            }
        }
        long inferNanos = System.nanoTime() - inferStart;
        ctx.metrics().record("infer", inferNanos);
        if (!predicted) {
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
            String nonFinite = postprocessor.firstNonFinite(probabilities, i * perTileOut);
            if (nonFinite != null) { // not retried: the model gives the same output for the same input
                results.add(failed(tile, "model_output", new IllegalStateException("the model gave a probability of "
                        + nonFinite + " of the tile's input, expected a finite number: no class map from it"),
                        p.attempts(), p.nanos() + inferShare, p.data().inputSha256()));
                continue;
            }
            try {
                TilePrediction prediction = postprocessor.crop(p.data(), probabilities, i * perTileOut);
                if (ctx.blend()) { // the row's fractions stay the tile's own over its core
                    prediction = prediction.withKeptProbabilities(
                            postprocessor.kept(p.data(), probabilities, i * perTileOut));
                }
                predictions.write(prediction);
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
        try (MDC.MDCCloseable id = MDC.putCloseable("tile_id", tile.id())) {
            LOG.error("tile {} failed ({}) after {} attempts: {}", tile.id(), cause, attempts, message);
        }
        return row(tile, TileStatus.FAILED, message, cause, attempts, Map.of(), nanos, sha);
    }

    private TileResult row(Tile tile, TileStatus status, String error, String cause, int attempts,
                           Map<String, Double> fractions, long nanos, String sha) {
        return row(ctx, scene, tile, status, error, cause, attempts, fractions, nanos, sha);
    }

    private static TileResult row(BatchContext ctx, Scene scene, Tile tile, TileStatus status, String error,
                                  String cause, int attempts, Map<String, Double> fractions, long nanos, String sha) {
        return new TileResult(ctx.runId(), scene.id(), tile.id(), tile.index(), tile.core(),
                scene.transform().bounds(tile.core()), status, error, cause, attempts, fractions, nanos / 1e6, sha,
                ctx.model().version());
    }
}
