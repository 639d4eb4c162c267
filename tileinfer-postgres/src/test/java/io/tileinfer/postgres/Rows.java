package io.tileinfer.postgres;

import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.raster.Window;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Tile rows for store tests. */
final class Rows {
    private Rows() {
    }

    static TileResult tile(String runId, int index, TileStatus status, int attempts) {
        return new TileResult(runId, "scene", "scene/t" + index, index, new Window(index * 10, 0, 10, 10),
                new double[]{index, 1, index + 10, 11}, status, status == TileStatus.FAILED ? "boom" : null,
                status == TileStatus.FAILED ? "read" : null, attempts,
                status == TileStatus.DONE ? Map.of("cloud", 0.25) : Map.of(), 1.5, "abc", "m-1");
    }

    static List<TileResult> tiles(String runId, int from, int to, TileStatus status) {
        List<TileResult> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            rows.add(tile(runId, i, status, 1));
        }
        return rows;
    }
}
