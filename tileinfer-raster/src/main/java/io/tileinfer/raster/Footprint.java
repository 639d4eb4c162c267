package io.tileinfer.raster;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a raster lies on the Earth: the outline of its outer pixel edges in longitude and latitude (WGS 84,
 * EPSG:4326), as a closed ring that turns counter-clockwise (GeoJSON's right-hand rule), and the box around it.
 *
 * <p>A straight edge in a projected CRS is a curve in longitude and latitude, so each edge is cut into
 * {@value #SEGMENTS_PER_EDGE} segments before GDAL transforms it. Measured with GDAL's OSR on a Sentinel-2 tile (109.8 km
 * a side) at the western edge of UTM zone 16N, a straight line between the transformed corners strays up to 140 m from
 * the true edge at 30° N and 460 m at 63° N; with 16 segments an edge at most 0.55 m and 1.8 m (a fifth of a pixel at
 * the most), and a full Landsat scene (185 km a side) about three times that (a tenth of its 30 m pixels).
 */
public record Footprint(List<LonLat> ring, Box box) {

    static final int SEGMENTS_PER_EDGE = 16;

    public record LonLat(double lon, double lat) {
    }

    /** The longitude and latitude range: {@code west <= east}, as the footprint never crosses the antimeridian. */
    public record Box(double west, double south, double east, double north) {
    }

    public Footprint {
        ring = List.copyOf(ring);
    }

    /**
     * The footprint of a {@code width} × {@code height} raster on {@code transform}'s grid in {@code crs}.
     *
     * @throws RasterException when GDAL cannot transform the outline, or the raster crosses the antimeridian (its
     *                         footprint would have to be split in two, which is not done here)
     */
    public static Footprint of(GeoTransform transform, int width, int height, Crs crs) {
        // pixel corners in the order upper left, lower left, lower right, upper right: counter-clockwise for a
        // north-up raster, as gdalinfo lists its wgs84Extent
        double[][] corners = {{0, 0}, {0, height}, {width, height}, {width, 0}};
        double[] xy = new double[2 * 4 * SEGMENTS_PER_EDGE];
        int n = 0;
        for (int edge = 0; edge < 4; edge++) {
            double[] from = corners[edge];
            double[] to = corners[(edge + 1) % 4];
            for (int step = 0; step < SEGMENTS_PER_EDGE; step++) {
                double col = from[0] + (to[0] - from[0]) * step / SEGMENTS_PER_EDGE;
                double row = from[1] + (to[1] - from[1]) * step / SEGMENTS_PER_EDGE;
                xy[n++] = transform.x(col, row);
                xy[n++] = transform.y(col, row);
            }
        }
        double[] lonLat = crs.toLonLat(xy);
        List<LonLat> ring = new ArrayList<>();
        for (int i = 0; i < lonLat.length; i += 2) {
            ring.add(new LonLat(lonLat[i], lonLat[i + 1]));
        }
        ring.add(ring.getFirst());
        refuseAntimeridian(ring, crs);
        if (signedArea(ring) < 0) { // a south-up or mirrored grid runs the other way round
            ring = ring.reversed();
        }
        return new Footprint(ring, box(ring));
    }

    private static void refuseAntimeridian(List<LonLat> ring, Crs crs) {
        for (int i = 1; i < ring.size(); i++) {
            if (Math.abs(ring.get(i).lon() - ring.get(i - 1).lon()) > 180) {
                throw new RasterException(crs.label(), "the raster crosses the antimeridian: its footprint would "
                        + "have to be split in two, expected a raster on one side of it");
            }
        }
    }

    /** The shoelace formula: positive when the ring turns counter-clockwise. */
    private static double signedArea(List<LonLat> ring) {
        double twice = 0;
        for (int i = 1; i < ring.size(); i++) {
            twice += ring.get(i - 1).lon() * ring.get(i).lat() - ring.get(i).lon() * ring.get(i - 1).lat();
        }
        return twice / 2;
    }

    private static Box box(List<LonLat> ring) {
        double west = Double.POSITIVE_INFINITY, south = Double.POSITIVE_INFINITY;
        double east = Double.NEGATIVE_INFINITY, north = Double.NEGATIVE_INFINITY;
        for (LonLat point : ring) {
            west = Math.min(west, point.lon());
            east = Math.max(east, point.lon());
            south = Math.min(south, point.lat());
            north = Math.max(north, point.lat());
        }
        return new Box(west, south, east, north);
    }
}
