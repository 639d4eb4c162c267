package io.tileinfer.core.output;

import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.raster.Window;

import java.io.IOException;
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
 * probabilities, never the scene.
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

    public void writeInto(BandWriter out) throws IOException {
        int rows = grid.rows();
        int step = grid.step();
        int half = grid.overlap() / 2;
        TileRow current = load(0);
        TileRow next = rows > 1 ? load(1) : null;
        for (int r = 0; r < rows; r++) {
            int top = r == 0 ? 0 : r * step + half;
            int bottom = r == rows - 1 ? grid.sceneHeight() : Math.min(grid.sceneHeight(), (r + 1) * step + half);
            for (int c = 0; c < grid.columns() && bottom > top; c++) {
                int left = c * step;
                int right = Math.min(grid.sceneWidth(), left + step);
                Window segment = new Window(left, top, right - left, bottom - top);
                out.write(segment, blend(segment, r, current, next));
            }
            current = next;
            next = r + 2 < rows ? load(r + 2) : null;
        }
    }

    private TileRow load(int row) throws IOException {
        int columns = grid.columns();
        TileRow loaded = new TileRow(new Tile[columns], new float[columns][], new TileGrid.Weights[columns]);
        for (int c = 0; c < columns; c++) {
            Tile tile = tiles.get(row * columns + c);
            loaded.tiles()[c] = tile;
            if (predicted.contains(tile.id())) {
                loaded.values()[c] = chunks.read(tile, classes);
                loaded.weights()[c] = grid.weights(tile);
            }
        }
        return loaded;
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
