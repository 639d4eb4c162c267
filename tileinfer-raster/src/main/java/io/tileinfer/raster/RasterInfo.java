package io.tileinfer.raster;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What GDAL reports about a raster. {@code crs} and {@code transform} are null when the file has none;
 * {@code metadata} is the default metadata domain, {@code imageStructure} the IMAGE_STRUCTURE domain
 * (COMPRESSION, INTERLEAVE, LAYOUT...).
 */
public record RasterInfo(String location, String driver, int width, int height, List<BandInfo> bands,
                         Crs crs, GeoTransform transform,
                         Map<String, String> metadata, Map<String, String> imageStructure) {

    public RasterInfo {
        bands = List.copyOf(bands);
        // Keep GDAL's order so that anything printed or copied from here is stable from run to run.
        metadata = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(metadata));
        imageStructure = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(imageStructure));
    }

    public int bandCount() {
        return bands.size();
    }

    /** TIFFTAG_DATETIME as written in the file, e.g. "2015:08:04 16:19:21". */
    public Optional<String> tiffDateTime() {
        return Optional.ofNullable(metadata.get("TIFFTAG_DATETIME"));
    }
}
