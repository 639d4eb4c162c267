package io.tileinfer.raster;

/** One band of a raster; {@code index} is 1-based as in GDAL, {@code nodata} null when none is declared. */
public record BandInfo(int index, DataType dataType, Double nodata, String description,
                       int blockWidth, int blockHeight) {
}
