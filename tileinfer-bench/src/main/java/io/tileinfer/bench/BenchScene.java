package io.tileinfer.bench;

import io.tileinfer.core.run.ScenePlan;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.scene.SceneBand;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.raster.BandInfo;
import io.tileinfer.raster.RasterInfo;
import io.tileinfer.raster.RasterReader;

import java.util.ArrayList;
import java.util.List;

/** A multi-band GeoTIFF taken whole as a scene (all its bands, in order), and its tiles in the batch order. */
record BenchScene(Scene scene, List<Tile> tiles) {

    static BenchScene open(String file, int tileSize, int halo) {
        try (RasterReader reader = RasterReader.open(file)) {
            RasterInfo info = reader.info();
            List<SceneBand> bands = new ArrayList<>();
            for (BandInfo band : info.bands()) {
                bands.add(new SceneBand("b" + band.index(), file, band.index(), band.dataType(), band.nodata()));
            }
            Scene scene = new Scene("bench", info.width(), info.height(), info.transform(), info.crs(), null, null, bands);
            // in the batch's order, so that Parallel's batches of 8 are the batch's batches
            return new BenchScene(scene, ScenePlan.batchOrder(
                    new TileGrid(info.width(), info.height(), tileSize, halo).tiles("bench")));
        }
    }

    int[] bandIndexes() {
        return scene.bands().stream().mapToInt(SceneBand::index).toArray();
    }
}
