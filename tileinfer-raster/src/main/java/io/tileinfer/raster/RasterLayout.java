package io.tileinfer.raster;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a raster about to be written is: its grid, block size, pixel type and georeferencing, and what GDAL keeps
 * with it (band names, default-domain metadata). One band per name.
 *
 * @param transform may be null for a raster without georeferencing
 * @param crs       may be null for a raster without a CRS
 * @param nodata    declared on every band when not null
 */
public record RasterLayout(int width, int height, DataType type, int blockSize, GeoTransform transform, Crs crs,
                           Double nodata, List<String> bandNames, Map<String, String> metadata) {

    public RasterLayout {
        bandNames = List.copyOf(bandNames);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata)); // GDAL keeps the order
        if (blockSize <= 0 || blockSize % 16 != 0) {
            throw new IllegalArgumentException("a GeoTIFF block size is a positive multiple of 16, found " + blockSize);
        }
    }

    public int bandCount() {
        return bandNames.size();
    }
}
