package io.tileinfer.core.output;

import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.raster.Window;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A blended scene's output bands, made from its tiles' {@link ProbabilityChunks} when the scene is assembled: at
 * every pixel the probabilities of the tiles whose kept window holds it, weighted by {@link TileGrid#weights} (in
 * double, in the grid's order, so the result depends neither on the workers nor on the order tiles finished),
 * divided by the weights present (1 when every neighbour was predicted), then classified as a crop would be
 * ({@link Postprocessor#classify}). A pixel is nodata where the tile whose core holds it was not predicted, or
 * where the input had no valid data, as in a crop.
 *
 * <p>The bands are made one tile row at a time, from pixel row {@code half overlap} below a row's top core edge
 * to as far below the next: only that row's tiles and the next row's reach it, so memory holds two rows of tiles'
 * probabilities, never the scene. A row's chunks are read, and its segments blended, on {@code threads} threads;
 * the segments are handed to the writer in order from the calling thread (each is computed alone, so the bytes do
 * not depend on the threads).
 */
public final class BlendedScene {
    private final TileGrid grid;
    private final List<Tile> tiles;
    private final Set<String> predicted;
    private final ProbabilityChunks chunks;
    private final int classes;
    private final Postprocessor postprocessor;

    /** {@code tiles} are {@code grid}'s, in its order; {@code predicted} the ids of those recorded DONE. */
    public BlendedScene(TileGrid grid, List<Tile> tiles, Set<String> predicted, ProbabilityChunks chunks, int classes,
                        boolean keepProbabilities) {
        this.grid = grid;
        this.tiles = tiles;
        this.predicted = predicted;
        this.chunks = chunks;
        this.classes = classes;
        this.postprocessor = new Postprocessor(classes, grid.size(), keepProbabilities);
    }

    /** Receives the output bands of a window, {@code [band][pixel]} row-major. */
    @FunctionalInterface
    public interface BandWriter {
        void write(Window window, byte[][] bands) throws IOException;
    }

    /** A tile row's predicted tiles: their probabilities and weights, null where a tile was not predicted. */
    private record TileRow(Tile[] tiles, float[][] values, TileGrid.Weights[] weights) {
    }

    public void writeInto(BandWriter out, int threads) throws IOException {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads,
                Thread.ofPlatform().daemon().name("tileinfer-blend-", 1).factory())) {
            int rows = grid.rows();
            int step = grid.step();
            int half = grid.overlap() / 2;
            TileRow current = load(0, pool);
            TileRow next = rows > 1 ? load(1, pool) : null;
            for (int r = 0; r < rows; r++) {
                int top = r == 0 ? 0 : r * step + half;
                int bottom = r == rows - 1 ? grid.sceneHeight()
                        : Math.min(grid.sceneHeight(), (r + 1) * step + half);
                List<Window> segments = new ArrayList<>();
                List<Future<byte[][]>> blended = new ArrayList<>();
                for (int c = 0; c < grid.columns() && bottom > top; c++) {
                    int left = c * step;
                    Window segment = new Window(left, top, Math.min(grid.sceneWidth(), left + step) - left,
                            bottom - top);
                    int row = r;
                    TileRow upper = current;
                    TileRow lower = next;
                    segments.add(segment);
                    blended.add(pool.submit(() -> blend(segment, row, upper, lower)));
                }
                for (int i = 0; i < segments.size(); i++) {
                    out.write(segments.get(i), await(blended.get(i)));
                }
                current = next;
                next = r + 2 < rows ? load(r + 2, pool) : null;
            }
        }
    }

    private TileRow load(int row, ExecutorService pool) throws IOException {
        int columns = grid.columns();
        TileRow loaded = new TileRow(new Tile[columns], new float[columns][], new TileGrid.Weights[columns]);
        List<Future<float[]>> reads = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            Tile tile = tiles.get(row * columns + c);
            loaded.tiles()[c] = tile;
            reads.add(predicted.contains(tile.id()) ? pool.submit(() -> chunks.read(tile, classes)) : null);
        }
        for (int c = 0; c < columns; c++) {
            if (reads.get(c) != null) {
                loaded.values()[c] = await(reads.get(c));
                loaded.weights()[c] = grid.weights(loaded.tiles()[c]);
            }
        }
        return loaded;
    }

    /** A task's value; its I/O failure as itself, so that the message still names the chunk. */
    private static <T> T await(Future<T> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the scene was blended");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The output bands of a segment of tile row {@code r}'s band, in core column {@code segment.x / step}. */
    private byte[][] blend(Window segment, int r, TileRow current, TileRow next) {
        int n = (int) segment.pixels();
        int width = segment.width();
        double[] sums = new double[classes * n];
        double[] weightSums = new double[n];
        int column = segment.x() / grid.step();
        for (TileRow row : next == null ? List.of(current) : List.of(current, next)) {
            for (int c = Math.max(0, column - 1); c <= Math.min(grid.columns() - 1, column + 1); c++) {
                if (row.values()[c] != null) {
                    add(row.tiles()[c], row.values()[c], row.weights()[c], segment, sums, weightSums);
                }
            }
        }
        float[] blended = new float[classes * n];
        boolean[] nodata = new boolean[n];
        for (int i = 0; i < n; i++) {
            int y = segment.y() + i / width;
            TileRow owner = y / grid.step() == r ? current : next;
            float[] ownerValues = owner.values()[column];
            if (ownerValues == null || weightSums[i] == 0) {
                nodata[i] = true;
                continue;
            }
            Window kept = owner.tiles()[column].kept();
            int x = segment.x() + i % width;
            if (Float.isNaN(ownerValues[(y - kept.y()) * kept.width() + x - kept.x()])) {
                nodata[i] = true; // no valid input here: the same in every tile that holds the pixel
                continue;
            }
            for (int k = 0; k < classes; k++) {
                blended[k * n + i] = (float) (sums[k * n + i] / weightSums[i]);
            }
        }
        byte[][] bands = new byte[postprocessor.bandCount()][n];
        for (int y = 0; y < segment.height(); y++) {
            postprocessor.classify(blended, y * width, n, bands, y * width, width);
        }
        for (int i = 0; i < n; i++) {
            if (nodata[i]) {
                Postprocessor.nodata(bands, i);
            }
        }
        return bands;
    }

    private void add(Tile tile, float[] values, TileGrid.Weights weights, Window segment, double[] sums,
                     double[] weightSums) {
        Window kept = tile.kept();
        Window part = kept.intersect(segment);
        int n = (int) segment.pixels();
        int keptPixels = (int) kept.pixels();
        for (int y = part.y(); y < part.y() + part.height(); y++) {
            double wy = weights.y()[y - kept.y()]; // once a row: a read per pixel made this loop up to 2x slower
            for (int x = part.x(); x < part.x() + part.width(); x++) {
                double w = weights.x()[x - kept.x()] * wy;
                int i = (y - segment.y()) * segment.width() + x - segment.x();
                int src = (y - kept.y()) * kept.width() + x - kept.x();
                weightSums[i] += w;
                for (int k = 0; k < classes; k++) {
                    sums[k * n + i] += w * values[k * keptPixels + src];
                }
            }
        }
    }
}
