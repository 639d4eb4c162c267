package io.tileinfer.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tileinfer.core.store.TileStatus;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileGrid;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class ScenePlanTest {

    private static List<Integer> indexes(List<Tile> tiles) {
        return tiles.stream().map(Tile::index).toList();
    }

    @Test
    void tilesAreTakenTwoRowsAtATimeColumnByColumnAndALastOddRowAlone() {
        List<Tile> tiles = new TileGrid(30, 30, 10, 0).tiles("s"); // 3 x 3, row-major
        assertEquals(List.of(0, 3, 1, 4, 2, 5, 6, 7, 8), indexes(ScenePlan.batchOrder(tiles)));
    }

    @Test
    void batchesAreCutFromTheBatchOrderLessFinishedTiles() {
        List<Tile> tiles = new TileGrid(40, 20, 10, 0).tiles("s"); // 4 x 2
        List<List<Tile>> batches = ScenePlan.pending(tiles, 4,
                Map.of(tiles.get(1).id(), TileStatus.DONE));
        assertEquals(List.of(List.of(0, 4, 5), List.of(2, 6, 3, 7)), batches.stream().map(ScenePlanTest::indexes).toList());
    }
}
