package io.tileinfer.raster;

import java.io.Serializable;
import java.util.Objects;

/** A coordinate reference system as WKT, with its EPSG code when GDAL can identify one. */
public record Crs(String wkt, Integer epsg) implements Serializable {

    public Crs {
        Objects.requireNonNull(wkt, "wkt");
    }

    /** "EPSG:32616", or the WKT's own name when there is no EPSG code. */
    public String label() {
        if (epsg != null) {
            return "EPSG:" + epsg;
        }
        // The first quoted string of WKT (1 or 2) is the name of its root object.
        String name = quotedAfter(0);
        if (name == null) {
            return wkt;
        }
        if (!name.isBlank() && !name.equalsIgnoreCase("unknown")) {
            return name;
        }
        // GDAL names a CRS made from a PROJ string "unknown": its projection method tells a person more
        int method = Math.max(wkt.indexOf("PROJECTION["), wkt.indexOf("METHOD["));
        String projection = method < 0 ? null : quotedAfter(method);
        return "an unnamed CRS" + (projection == null ? "" : " (" + projection + ")");
    }

    /** The first quoted string of the WKT from {@code from} on, or null. */
    private String quotedAfter(int from) {
        int start = wkt.indexOf('"', from);
        int end = start < 0 ? -1 : wkt.indexOf('"', start + 1);
        return end < 0 ? null : wkt.substring(start + 1, end);
    }

    /** Whether GDAL (OSRIsSame) considers both to be the same CRS, whatever their WKT dialect. */
    public boolean sameAs(Crs other) {
        Gdal.init();
        try (SpatialRef mine = SpatialRef.fromWkt(wkt, label());
             SpatialRef theirs = SpatialRef.fromWkt(other.wkt, other.label())) {
            return mine.isSame(theirs);
        }
    }

    /**
     * Points of this CRS as longitude and latitude in degrees (WGS 84, EPSG:4326), transformed by GDAL (OSR):
     * {@code x0, y0, x1, y1, ...} in, {@code lon0, lat0, lon1, lat1, ...} out.
     *
     * @throws RasterException when GDAL cannot transform them
     */
    public double[] toLonLat(double... xy) {
        if (xy.length % 2 != 0) {
            throw new IllegalArgumentException("expected x, y pairs, found " + xy.length + " numbers");
        }
        Gdal.init();
        try (SpatialRef source = SpatialRef.fromWkt(wkt, label());
             SpatialRef wgs84 = SpatialRef.fromUserInput("EPSG:4326")) {
            return source.transform(wgs84, xy, label());
        }
    }

    /** The CRS as WKT2 (ISO 19162:2019), which GDAL's datasets do not give ({@link #wkt} is usually WKT1). */
    public String wkt2() {
        Gdal.init();
        try (SpatialRef srs = SpatialRef.fromWkt(wkt, label())) {
            return srs.toWkt2(label());
        }
    }

    /**
     * A CRS from "EPSG:32616", WKT or anything else OSRSetFromUserInput accepts.
     *
     * @throws RasterException (located at the text itself) when GDAL cannot make a CRS of it
     */
    public static Crs parse(String userText) {
        Gdal.init();
        try (SpatialRef srs = SpatialRef.fromUserInput(userText)) {
            Integer epsg = srs.identifyEpsg();
            return new Crs(srs.toWkt(userText), epsg);
        }
    }

    /** The CRS of a dataset's WKT (GDALGetProjectionRef), identified. */
    static Crs fromDatasetWkt(String wkt, String location) {
        try (SpatialRef srs = SpatialRef.fromWkt(wkt, location)) {
            return new Crs(wkt, srs.identifyEpsg());
        }
    }
}
