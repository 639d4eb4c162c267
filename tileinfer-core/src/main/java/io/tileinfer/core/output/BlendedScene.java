package io.tileinfer.core.output;

import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.raster.Window;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * <p>The bands are made one tile row at a time, from pixel row {@code half overlap} below a row's top core edge
 * to as far below the next: only that row's tiles and the next row's reach it, so memory holds two rows of tiles'
 * probabilities, never the scene. Their arrays are allocated once and reused from row to row: a batch's heap is
 * small (the launchers'), and a scene's worth of chunks passing through it cost W1 seconds of full collections.
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
    }

    /** A segment's sums, allocated for the largest segment and zeroed for each. */
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

    public void writeInto(BandWriter out) throws IOException {
        int rows = grid.rows();
        int step = grid.step();
        int half = grid.overlap() / 2;
        int kept = grid.size() - 2 * grid.halo();
        ByteBuffer chunk = ByteBuffer.allocateDirect((int) ProbabilityChunks.bytes(new Window(0, 0, kept, kept),
                classes));
        Sums sums = new Sums(classes, step * Math.min(grid.sceneHeight(), step + half));
        TileRow current = load(0, new TileRow(grid.columns(), classes, kept * kept), chunk);
        TileRow next = rows > 1 ? load(1, new TileRow(grid.columns(), classes, kept * kept), chunk) : null;
        TileRow spare = rows > 2 ? new TileRow(grid.columns(), classes, kept * kept) : null;
        for (int r = 0; r < rows; r++) {
            int top = r == 0 ? 0 : r * step + half;
            int bottom = r == rows - 1 ? grid.sceneHeight() : Math.min(grid.sceneHeight(), (r + 1) * step + half);
            for (int c = 0; c < grid.columns() && bottom > top; c++) {
                int left = c * step;
                int right = Math.min(grid.sceneWidth(), left + step);
                Window segment = new Window(left, top, right - left, bottom - top);
                out.write(segment, blend(segment, r, current, next, sums));
            }
            TileRow done = current;
            current = next;
            next = r + 2 < rows ? load(r + 2, spare, chunk) : null;
            spare = done;
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

    /** The output bands of a segment of tile row {@code r}'s band, in core column {@code segment.x / step}. */
    private byte[][] blend(Window segment, int r, TileRow current, TileRow next, Sums sums) {
        int n = (int) segment.pixels();
        int width = segment.width();
        sums.clear(n);
        int column = segment.x() / grid.step();
        for (TileRow row : next == null ? List.of(current) : List.of(current, next)) {
            for (int c = Math.max(0, column - 1); c <= Math.min(grid.columns() - 1, column + 1); c++) {
                if (row.predicted(c)) {
                    add(row.tiles()[c], row.values()[c], row.weights()[c], segment, sums);
                }
            }
        }
        float[] blended = sums.blended();
        boolean[] nodata = sums.nodata();
        for (int y = segment.y(); y < segment.y() + segment.height(); y++) {
            TileRow owner = y / grid.step() == r ? current : next;
            int at = (y - segment.y()) * width;
            if (!owner.predicted(column)) {
                Arrays.fill(nodata, at, at + width, true);
                continue;
            }
            float[] ownerValues = owner.values()[column][0];
            Window kept = owner.tiles()[column].kept();
            int src = (y - kept.y()) * kept.width() + segment.x() - kept.x();
            for (int x = 0; x < width; x++) {
                // no valid input here (the same in every tile that holds the pixel), or no weight at all
                nodata[at + x] = Float.isNaN(ownerValues[src + x]) || sums.weights()[at + x] == 0;
            }
            for (int k = 0; k < classes; k++) { // a nodata pixel's value is computed too, and overwritten below
                double[] sum = sums.classes()[k];
                for (int x = 0; x < width; x++) {
                    blended[k * n + at + x] = (float) (sum[at + x] / sums.weights()[at + x]);
                }
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

    /**
     * Adds a tile's weighted probabilities over its part of the segment, row by row and class by class: each sum
     * gets the same terms in the same order as pixel by pixel would give it, in loops the JIT can vectorise.
     */
    private void add(Tile tile, float[][] values, TileGrid.Weights weights, Window segment, Sums sums) {
        Window kept = tile.kept();
        Window part = kept.intersect(segment);
        double[] wx = weights.x();
        double[] weightSums = sums.weights();
        int from = part.x() - kept.x();
        int width = part.width();
        for (int y = part.y(); y < part.y() + part.height(); y++) {
            double wy = weights.y()[y - kept.y()];
            int dst = (y - segment.y()) * segment.width() + part.x() - segment.x();
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
