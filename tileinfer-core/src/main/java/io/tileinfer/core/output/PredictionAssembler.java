package io.tileinfer.core.output;

import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.raster.DataType;
import io.tileinfer.raster.RasterWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
        assemble(scene, tiles, predicted, chunks, bandNames, metadata, target, 1);
    }

    /** As above, the COG's blocks compressed by {@code threads} threads (the same bytes whatever their number). */
    public static void assemble(Scene scene, List<Tile> tiles, Set<String> predicted, PredictionChunks chunks,
                                List<String> bandNames, Map<String, String> metadata, Path target, int threads)
            throws IOException {
        Files.createDirectories(target.getParent());
        Path scratch = target.resolveSibling(target.getFileName() + ".scratch.tif");
        try (RasterWriter writer = RasterWriter.create(scratch, scene.width(), scene.height(), bandNames.size(),
                DataType.BYTE, scene.transform(), scene.crs(), (double) TilePrediction.NODATA)) {
            for (int b = 0; b < bandNames.size(); b++) {
                writer.setBandDescription(b + 1, bandNames.get(b));
            }
            metadata.forEach(writer::setMetadata);
            if (threads == 1) {
                for (Tile tile : tiles) {
                    copy(tile, predicted, chunks, bandNames.size(), writer);
                }
            } else {
                // Chunks are inflated in parallel; the writer serialises the writes. The scratch file's layout
                // may then differ between runs, the pixels and so the COG's bytes do not.
                try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                    List<Future<?>> done = new ArrayList<>();
                    for (Tile tile : tiles) {
                        done.add(pool.submit(() -> {
                            copy(tile, predicted, chunks, bandNames.size(), writer);
                            return null;
                        }));
                    }
                    for (Future<?> future : done) {
                        future.get();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while assembling " + target, e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
            writer.finishCog(target, threads);
        }
    }

    private static void copy(Tile tile, Set<String> predicted, PredictionChunks chunks, int bandCount,
                             RasterWriter writer) throws IOException {
        byte[][] bands = predicted.contains(tile.id()) ? chunks.read(tile) : nodata(tile, bandCount);
        if (bands.length != bandCount) {
            throw new IOException(chunks.file(tile) + ": holds " + bands.length + " bands, expected " + bandCount);
        }
        for (int b = 0; b < bands.length; b++) {
            writer.write(tile.core(), b + 1, bands[b]);
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
