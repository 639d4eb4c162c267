package io.tileinfer.core.output;

import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.raster.Window;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A blended scene's output bands, made from its tiles' {@link ProbabilityChunks} when the scene is assembled: at
 * every pixel the probabilities of the tiles whose kept window holds it, weighted by {@link TileGrid#weights} (in
 * double, in the grid's order, so the result depends neither on the workers nor on the order tiles finished),
 * divided by the weights present (1 when every neighbour was predicted), then classified as a crop would be
 * ({@link Postprocessor#classify}). A pixel is nodata where the tile whose core holds it was not predicted, or
 * where the input had no valid data, as in a crop.
 *
 * <p>The bands are made a row of the scratch raster's blocks at a time ({@link #writeInto}). The tiles' arrays are
 * allocated once and reused from row to row: a batch's heap is small (the launchers'), and a scene's worth of
 * chunks passing through it cost W1 seconds of full collections.
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

    /**
     * A tile row: its tiles, and for each predicted one its weights and probabilities {@code [class][kept pixel]}
     * (weights null where a tile was not predicted). A plane holds a whole kept window of 256 px tiles in 256 KB,
     * under G1's humongous size in the smallest heap.
     */
    private record TileRow(Tile[] tiles, float[][][] values, TileGrid.Weights[] weights) {
        TileRow(int columns, int classes, int keptPixels) {
            this(new Tile[columns], new float[columns][classes][keptPixels], new TileGrid.Weights[columns]);
        }

        boolean predicted(int column) {
            return weights[column] != null;
        }

        Window kept() {
            return tiles[0].kept();
        }
    }

    /** A block's sums, allocated for a whole block and zeroed for each. */
    private record Sums(double[][] classes, double[] weights, float[] blended, boolean[] nodata) {
        Sums(int classes, int pixels) {
            this(new double[classes][pixels], new double[pixels], new float[classes * pixels], new boolean[pixels]);
        }

        void clear(int pixels) {
            for (double[] sum : classes) {
                Arrays.fill(sum, 0, pixels, 0);
            }
            Arrays.fill(weights, 0, pixels, 0);
        }
    }

    /**
     * Writes the scene's bands block by block of {@code block} pixels (the scratch raster's, so that every write
     * fills whole blocks), a row of blocks at a time. Only the tile rows whose kept windows reach a row of blocks
     * are read, so memory holds two or three rows of tiles' probabilities, never the scene.
     */
    public void writeInto(int block, BandWriter out) throws IOException {
        int rows = grid.rows();
        int keptPixels = (grid.size() - 2 * grid.halo()) * (grid.size() - 2 * grid.halo());
        ByteBuffer chunk = ByteBuffer.allocateDirect((int) ProbabilityChunks.bytes(
                new Window(0, 0, keptPixels, 1), classes));
        Sums sums = new Sums(classes, block * block);
        TileRow[] loaded = new TileRow[rows]; // by tile row: those the current row of blocks needs
        ArrayDeque<TileRow> spare = new ArrayDeque<>();
        int first = 0; // the first loaded tile row
        int next = 0; // the next tile row to load
        for (int top = 0; top < grid.sceneHeight(); top += block) {
            int bottom = Math.min(grid.sceneHeight(), top + block);
            for (; first < next && loaded[first].kept().y() + loaded[first].kept().height() <= top; first++) {
                spare.push(loaded[first]);
                loaded[first] = null;
            }
            for (; next < rows && tiles.get(next * grid.columns()).kept().y() < bottom; next++) {
                TileRow into = spare.isEmpty() ? new TileRow(grid.columns(), classes, keptPixels) : spare.pop();
                loaded[next] = load(next, into, chunk);
            }
            for (int left = 0; left < grid.sceneWidth(); left += block) {
                Window window = new Window(left, top, Math.min(block, grid.sceneWidth() - left), bottom - top);
                out.write(window, blend(window, loaded, first, next, sums));
            }
        }
    }

    /** Tile row {@code row}'s chunks, read into {@code into}'s arrays. */
    private TileRow load(int row, TileRow into, ByteBuffer chunk) throws IOException {
        for (int c = 0; c < grid.columns(); c++) {
            Tile tile = tiles.get(row * grid.columns() + c);
            into.tiles()[c] = tile;
            into.weights()[c] = null;
            if (predicted.contains(tile.id())) {
                chunks.read(tile, into.values()[c], chunk);
                into.weights()[c] = grid.weights(tile);
            }
        }
        return into;
    }

    /**
     * The output bands of a window, from tile rows {@code first} to {@code end} (exclusive) of {@code loaded}: each
     * pixel's sums take the tiles in the grid's order.
     */
    private byte[][] blend(Window window, TileRow[] loaded, int first, int end, Sums sums) {
        int n = (int) window.pixels();
        int width = window.width();
        int step = grid.step();
        sums.clear(n);
        int fromColumn = Math.max(0, window.x() / step - 1);
        int toColumn = Math.min(grid.columns() - 1, (window.x() + width - 1) / step + 1);
        for (int r = first; r < end; r++) {
            for (int c = fromColumn; c <= toColumn; c++) {
                if (loaded[r].predicted(c)) {
                    add(loaded[r].tiles()[c], loaded[r].values()[c], loaded[r].weights()[c], window, sums);
                }
            }
        }
        boolean[] nodata = sums.nodata();
        for (int y = window.y(); y < window.y() + window.height(); y++) {
            TileRow owner = loaded[y / step]; // the row whose cores hold this pixel row: its kept windows reach it
            int at = (y - window.y()) * width;
            for (int x = window.x(); x < window.x() + width; ) {
                int column = x / step;
                int runEnd = Math.min(window.x() + width, (column + 1) * step);
                int i = at + x - window.x();
                if (!owner.predicted(column)) {
                    Arrays.fill(nodata, i, i + runEnd - x, true);
                } else {
                    float[] ownerValues = owner.values()[column][0];
                    Window kept = owner.tiles()[column].kept();
                    int src = (y - kept.y()) * kept.width() - kept.x();
                    for (int p = x; p < runEnd; p++, i++) {
                        // no valid input here (the same in every tile that holds the pixel), or no weight at all
                        nodata[i] = Float.isNaN(ownerValues[src + p]) || sums.weights()[i] == 0;
                    }
                }
                x = runEnd;
            }
        }
        float[] blended = sums.blended();
        for (int k = 0; k < classes; k++) { // a nodata pixel's value is computed too, and overwritten below
            double[] sum = sums.classes()[k];
            for (int i = 0; i < n; i++) {
                blended[k * n + i] = (float) (sum[i] / sums.weights()[i]);
            }
        }
        byte[][] bands = new byte[postprocessor.bandCount()][n];
        for (int y = 0; y < window.height(); y++) {
            postprocessor.classify(blended, y * width, n, bands, y * width, width);
        }
        for (int i = 0; i < n; i++) {
            if (nodata[i]) {
                Postprocessor.nodata(bands, i);
            }
        }
        return bands;
    }

    /**
     * Adds a tile's weighted probabilities over its part of the window, row by row and class by class: each sum
     * gets the same terms in the same order as pixel by pixel would give it, in loops the JIT can vectorise.
     */
    private void add(Tile tile, float[][] values, TileGrid.Weights weights, Window window, Sums sums) {
        Window kept = tile.kept();
        Window part = kept.intersect(window);
        double[] wx = weights.x();
        double[] weightSums = sums.weights();
        int from = part.x() - kept.x();
        int width = part.width();
        for (int y = part.y(); y < part.y() + part.height(); y++) {
            double wy = weights.y()[y - kept.y()];
            int dst = (y - window.y()) * window.width() + part.x() - window.x();
            int src = (y - kept.y()) * kept.width() + from;
            for (int x = 0; x < width; x++) {
                weightSums[dst + x] += wx[from + x] * wy;
            }
            for (int k = 0; k < classes; k++) {
                double[] sum = sums.classes()[k];
                float[] plane = values[k];
                for (int x = 0; x < width; x++) {
                    sum[dst + x] += wx[from + x] * wy * plane[src + x];
                }
            }
        }
    }
}
