package io.tileinfer.raster;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Finds truncated TIFFs from their block index alone: GDAL's GTiff driver exposes each block's file offset and
 * byte count as the band metadata items BLOCK_OFFSET_x_y and BLOCK_SIZE_x_y of the "TIFF" domain.
 */
final class TiffBlockCheck {

    private TiffBlockCheck() {
    }

    static void requireBlocksInsideFile(MemorySegment dataset, String gdalPath, String location, RasterInfo info) {
        if (info.bands().isEmpty()) {
            return;
        }
        long fileSize = fileSize(gdalPath, location);
        // Pixel-interleaved files share each block between all bands; planar ones have blocks per band.
        int bandsWithOwnBlocks = "BAND".equals(info.imageStructure().get("INTERLEAVE")) ? info.bandCount() : 1;
        BandInfo first = info.bands().getFirst();
        int columns = Math.ceilDiv(info.width(), first.blockWidth());
        int rows = Math.ceilDiv(info.height(), first.blockHeight());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment domain = arena.allocateFrom("TIFF");
            MemorySegment key = arena.allocate(64);
            for (int index = 1; index <= bandsWithOwnBlocks; index++) {
                MemorySegment band = GdalBindings.rasterBand(dataset, index);
                for (int row = 0; row < rows; row++) {
                    for (int column = 0; column < columns; column++) {
                        key.setString(0, "BLOCK_OFFSET_" + column + "_" + row);
                        String offset = GdalBindings.metadataItem(band, key, domain);
                        if (offset == null) {
                            continue; // a sparse block: never written, GDAL reads it as nodata
                        }
                        key.setString(0, "BLOCK_SIZE_" + column + "_" + row);
                        long end = Long.parseLong(offset) + Long.parseLong(GdalBindings.metadataItem(band, key, domain));
                        if (end > fileSize) {
                            throw new RasterException(location, "block (" + column + "," + row + ") of band " + index
                                    + " ends at byte " + end + " but the file has " + fileSize
                                    + " bytes: the file is truncated");
                        }
                    }
                }
            }
        }
    }

    private static long fileSize(String gdalPath, String location) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stat = arena.allocate(GdalBindings.STAT_BUFFER_BYTES, 8);
            GdalBindings.errorReset();
            int status = GdalBindings.statEx(arena.allocateFrom(gdalPath), stat,
                    GdalBindings.VSI_STAT_EXISTS_FLAG | GdalBindings.VSI_STAT_SIZE_FLAG);
            if (status != 0) {
                throw new RasterException(location, "cannot get the file size: " + GdalBindings.lastErrorMessage());
            }
            return stat.get(JAVA_LONG, GdalBindings.STAT_SIZE_OFFSET);
        }
    }
}
