package io.tileinfer.core.output;

import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.raster.DataType;
import io.tileinfer.raster.RasterWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stitches a scene's tile predictions into one Cloud-Optimized GeoTIFF on the scene's grid and CRS: band 1 the
 * class map, then one percent-probability band per class. Tiles without a prediction stay nodata (255).
 * Memory holds one tile at a time; the raster is built on disk.
 */
public final class PredictionAssembler {
    private PredictionAssembler() {
    }

    public static void assemble(Scene scene, List<Tile> tiles, Set<String> predicted, PredictionChunks chunks,
                                List<String> bandNames, Map<String, String> metadata, Path target)
            throws IOException {
        Files.createDirectories(target.getParent());
        Path scratch = target.resolveSibling(target.getFileName() + ".scratch.tif");
        try (RasterWriter writer = RasterWriter.create(scratch, scene.width(), scene.height(), bandNames.size(),
                DataType.BYTE, scene.transform(), scene.crs(), (double) TilePrediction.NODATA)) {
            for (int b = 0; b < bandNames.size(); b++) {
                writer.setBandDescription(b + 1, bandNames.get(b));
            }
            metadata.forEach(writer::setMetadata);
            for (Tile tile : tiles) {
                byte[][] bands = predicted.contains(tile.id()) ? chunks.read(tile) : nodata(tile, bandNames.size());
                if (bands.length != bandNames.size()) {
                    throw new IOException(chunks.file(tile) + ": holds " + bands.length + " bands, expected "
                            + bandNames.size());
                }
                for (int b = 0; b < bands.length; b++) {
                    writer.write(tile.core(), b + 1, bands[b]);
                }
            }
            writer.finishCog(target);
        }
    }

    private static byte[][] nodata(Tile tile, int bandCount) {
        byte[][] bands = new byte[bandCount][(int) tile.core().pixels()];
        for (byte[] band : bands) {
            Arrays.fill(band, (byte) TilePrediction.NODATA);
        }
        return bands;
    }
}
