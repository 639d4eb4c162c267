package io.tileinfer.raster;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.ToIntFunction;

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
        return exported(location, result -> GdalBindings.exportToWkt(handle, result));
    }

    /** WKT2 (ISO 19162:2019); {@link #toWkt} gives GDAL's default, WKT1. */
    String toWkt2(String location) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment options = GdalBindings.stringList(arena, List.of("FORMAT=WKT2_2019"));
            return exported(location, result -> GdalBindings.exportToWktEx(handle, result, options));
        }
    }

    /** @param export an OSRExportToWkt* call that puts the string GDAL allocates in its char** argument */
    private static String exported(String location, ToIntFunction<MemorySegment> export) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment result = arena.allocate(ADDRESS);
            GdalBindings.errorReset();
            if (export.applyAsInt(result) != OGRERR_NONE) {
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

    /**
     * Transforms points given as {@code x0, y0, x1, y1, ...} (easting/northing or longitude/latitude, in that
     * order whatever the CRSs' axis order) from this CRS to {@code target}.
     */
    double[] transform(SpatialRef target, double[] xy, String location) {
        int count = xy.length / 2;
        GdalBindings.setAxisMappingStrategy(handle, GdalBindings.OAMS_TRADITIONAL_GIS_ORDER);
        GdalBindings.setAxisMappingStrategy(target.handle, GdalBindings.OAMS_TRADITIONAL_GIS_ORDER);
        GdalBindings.errorReset();
        MemorySegment transformation = GdalBindings.newCoordinateTransformation(handle, target.handle);
        if (transformation.address() == 0) {
            throw new RasterException(location, "no coordinate transformation: " + GdalBindings.lastErrorMessage());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(JAVA_DOUBLE, count);
            MemorySegment y = arena.allocate(JAVA_DOUBLE, count);
            for (int i = 0; i < count; i++) {
                x.setAtIndex(JAVA_DOUBLE, i, xy[2 * i]);
                y.setAtIndex(JAVA_DOUBLE, i, xy[2 * i + 1]);
            }
            if (!GdalBindings.transform(transformation, count, x, y)) {
                throw new RasterException(location, "cannot transform " + count + " points: "
                        + GdalBindings.lastErrorMessage());
            }
            double[] out = new double[2 * count];
            for (int i = 0; i < count; i++) {
                out[2 * i] = x.getAtIndex(JAVA_DOUBLE, i);
                out[2 * i + 1] = y.getAtIndex(JAVA_DOUBLE, i);
            }
            return out;
        } finally {
            GdalBindings.destroyCoordinateTransformation(transformation);
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
