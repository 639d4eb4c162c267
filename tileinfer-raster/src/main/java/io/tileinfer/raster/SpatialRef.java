package io.tileinfer.raster;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** An OGRSpatialReferenceH owned by Java, destroyed on close. */
final class SpatialRef implements AutoCloseable {

    private static final int OGRERR_NONE = 0;

    private final MemorySegment handle;

    private SpatialRef(MemorySegment handle) {
        this.handle = handle;
    }

    /** @param location names the CRS's origin in the error message */
    static SpatialRef fromWkt(String wkt, String location) {
        SpatialRef srs = new SpatialRef(GdalBindings.newSpatialReference());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cursor = arena.allocateFrom(ADDRESS, arena.allocateFrom(wkt));
            GdalBindings.errorReset();
            if (GdalBindings.importFromWkt(srs.handle, cursor) != OGRERR_NONE) {
                String reason = GdalBindings.lastErrorMessage();
                srs.close();
                throw new RasterException(location, "invalid WKT CRS: " + reason);
            }
        }
        return srs;
    }

    /** "EPSG:32616", WKT, PROJ strings and whatever else OSRSetFromUserInput accepts. */
    static SpatialRef fromUserInput(String text) {
        SpatialRef srs = new SpatialRef(GdalBindings.newSpatialReference());
        try (Arena arena = Arena.ofConfined()) {
            GdalBindings.errorReset();
            if (GdalBindings.setFromUserInput(srs.handle, arena.allocateFrom(text)) != OGRERR_NONE) {
                String reason = GdalBindings.lastErrorMessage();
                srs.close();
                throw new RasterException(text, "not a CRS GDAL understands: " + reason);
            }
        }
        return srs;
    }

    /** The EPSG code, from the definition's authority or else from GDAL's identification; null if neither. */
    Integer identifyEpsg() {
        if (epsgAuthorityCode() == null) {
            GdalBindings.autoIdentifyEpsg(handle); // only adds an authority when GDAL is sure of the match
        }
        return epsgAuthorityCode();
    }

    private Integer epsgAuthorityCode() {
        String code = GdalBindings.authorityCode(handle);
        if (!"EPSG".equalsIgnoreCase(GdalBindings.authorityName(handle)) || code == null) {
            return null;
        }
        try {
            return Integer.valueOf(code);
        } catch (NumberFormatException notNumeric) {
            return null;
        }
    }

    String toWkt(String location) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment result = arena.allocate(ADDRESS);
            GdalBindings.errorReset();
            if (GdalBindings.exportToWkt(handle, result) != OGRERR_NONE) {
                throw new RasterException(location, "cannot export the CRS as WKT: "
                        + GdalBindings.lastErrorMessage());
            }
            MemorySegment wkt = result.get(ADDRESS, 0);
            try {
                return GdalBindings.string(wkt);
            } finally {
                GdalBindings.vsiFree(wkt);
            }
        }
    }

    boolean isSame(SpatialRef other) {
        return GdalBindings.isSame(handle, other.handle);
    }

    @Override
    public void close() {
        GdalBindings.destroySpatialReference(handle);
    }
}
