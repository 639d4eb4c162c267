package io.tileinfer.core.run;

import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.core.tile.Tile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The batches of a validated scene that are still to run, in grid order. Each batch holds consecutive tiles of
 * the grid (never chosen by timing) less those an earlier attempt finished, so results do not depend on what
 * executes them.
 */
public record ScenePlan(Scene scene, List<List<Tile>> batches) {

    /** The grid's tiles cut into batches of {@code batchSize}, without finished tiles; empty batches are dropped. */
    public static List<List<Tile>> pending(List<Tile> tiles, int batchSize, Map<String, TileStatus> statuses) {
        List<List<Tile>> batches = new ArrayList<>();
        for (int from = 0; from < tiles.size(); from += batchSize) {
            batches.add(tiles.subList(from, Math.min(from + batchSize, tiles.size())));
        }
        return pending(batches, statuses);
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
