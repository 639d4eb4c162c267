package io.tileinfer.core.run;

import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.core.tile.Tile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The batches of a validated scene that are still to run. Each batch holds consecutive tiles of the grid's
 * {@linkplain #batchOrder batch order} (never chosen by timing) less those an earlier attempt finished, so
 * results do not depend on what executes them.
 */
public record ScenePlan(Scene scene, List<List<Tile>> batches) {

    /**
     * The grid's tiles in {@linkplain #batchOrder batch order} cut into batches of {@code batchSize}, without
     * finished tiles; empty batches are dropped.
     */
    public static List<List<Tile>> pending(List<Tile> tiles, int batchSize, Map<String, TileStatus> statuses) {
        List<Tile> ordered = batchOrder(tiles);
        List<List<Tile>> batches = new ArrayList<>();
        for (int from = 0; from < ordered.size(); from += batchSize) {
            batches.add(ordered.subList(from, Math.min(from + batchSize, ordered.size())));
        }
        return pending(batches, statuses);
    }

    /**
     * A row-major grid's tiles taken two rows at a time, column by column: row 0 column 0, row 1 column 0, row 0
     * column 1, ... then rows 2 and 3. A batch of 8 is then 4 columns of 2 rows, so that a 512 px block of the
     * source (2 x 2 tiles of 256 px, as in Sentinel-2 COGs) is read within one batch, and decoded once by one
     * worker's dataset, rather than once by each worker that reads one of its tiles (each dataset has its own
     * block cache). Measured on W1 with two threads: 25 % less decode time (docs/benchmarks.md).
     */
    public static List<Tile> batchOrder(List<Tile> tiles) {
        List<List<Tile>> rows = new ArrayList<>();
        int y = Integer.MIN_VALUE;
        for (Tile tile : tiles) {
            if (rows.isEmpty() || tile.core().y() != y) {
                rows.add(new ArrayList<>());
                y = tile.core().y();
            }
            rows.getLast().add(tile);
        }
        List<Tile> ordered = new ArrayList<>(tiles.size());
        for (int r = 0; r < rows.size(); r += 2) {
            List<Tile> upper = rows.get(r);
            List<Tile> lower = r + 1 < rows.size() ? rows.get(r + 1) : List.of();
            for (int c = 0; c < Math.max(upper.size(), lower.size()); c++) {
                if (c < upper.size()) {
                    ordered.add(upper.get(c));
                }
                if (c < lower.size()) {
                    ordered.add(lower.get(c));
                }
            }
        }
        return ordered;
    }

    /** The batches without the tiles whose row says finished; batches left empty are dropped. */
    public static List<List<Tile>> pending(List<List<Tile>> batches, Map<String, TileStatus> statuses) {
        List<List<Tile>> pending = new ArrayList<>();
        for (List<Tile> batch : batches) {
            List<Tile> left = batch.stream().filter(t -> !finished(statuses, t)).toList();
            if (!left.isEmpty()) {
                pending.add(left);
            }
        }
        return pending;
    }

    public static boolean finished(Map<String, TileStatus> statuses, Tile tile) {
        TileStatus status = statuses.get(tile.id());
        return status != null && status.finished();
    }

    public int tileCount() {
        return batches.stream().mapToInt(List::size).sum();
    }
}
