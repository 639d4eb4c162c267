package io.tileinfer.raster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a raster lies on the Earth: the outline of its outer pixel edges in longitude and latitude (WGS 84,
 * EPSG:4326), as a closed ring that turns counter-clockwise (GeoJSON's right-hand rule), and the box around it.
 *
 * <p>A straight edge in a projected CRS is a curve in longitude and latitude, so each edge is cut into
 * {@value #SEGMENTS_PER_EDGE} segments before GDAL transforms it. Measured with GDAL's OSR on a Sentinel-2 tile (109.8 km
 * a side) at the western edge of UTM zone 16N, a straight line between the transformed corners strays up to 140 m from
 * the true edge at 30° N and 460 m at 63° N; with 16 segments an edge at most 0.55 m and 1.8 m (a fifth of a pixel at
 * the most), and a full Landsat scene (185 km a side) about three times that (a tenth of its 30 m pixels).
 *
 * <p>A raster across the antimeridian (UTM zones 1 and 60) is one outline all the same: {@link #ring} keeps its
 * longitudes continuous, so some lie beyond ±180°, and {@link #parts} cuts it at the antimeridian into two rings
 * within [-180, 180] for GeoJSON (RFC 7946 §3.1.9), whose {@link #box} then has {@code west > east} (§5.2).
 *
 * @param ring the outline, starting at the upper left corner; across the antimeridian its longitudes go on past ±180°
 *             rather than jump by 360°
 */
public record Footprint(List<LonLat> ring, Box box) {

    static final int SEGMENTS_PER_EDGE = 16;

    public record LonLat(double lon, double lat) {
    }

    /**
     * The longitude and latitude range. {@code west > east} when the raster crosses the antimeridian: the range runs
     * east from {@code west} across 180° to {@code east}.
     */
    public record Box(double west, double south, double east, double north) {

        public boolean crossesAntimeridian() {
            return west > east;
        }
    }

    public Footprint {
        ring = List.copyOf(ring);
    }

    /**
     * The footprint of a {@code width} × {@code height} raster on {@code transform}'s grid in {@code crs}.
     *
     * @throws RasterException when GDAL cannot transform the outline, or the raster contains a pole (its outline
     *                         goes round the pole instead of enclosing an area of longitudes)
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
        ring = unwrapped(ring, crs);
        if (signedArea(ring) < 0) { // a south-up or mirrored grid runs the other way round
            ring = ring.reversed();
        }
        return new Footprint(ring, box(ring));
    }

    /**
     * The outline as GeoJSON rings, each closed, counter-clockwise and within [-180, 180]: the ring itself, or across
     * the antimeridian the part west of it (up to 180°) then the part east of it (from -180°), which share the points
     * where the outline crosses it.
     */
    public List<List<LonLat>> parts() {
        if (!box.crossesAntimeridian()) {
            return List.of(ring);
        }
        // The ring goes on past 180° or past -180°; each part is the ring clipped to one side of that meridian
        // (Sutherland-Hodgman against a half-plane, exact for an outline that crosses it twice, as a scene's does),
        // and the part beyond it is shifted back by 360°.
        double meridian = ring.stream().anyMatch(point -> point.lon() > 180) ? 180 : -180;
        return List.of(side(meridian, -1, meridian == 180 ? 0 : 360), side(meridian, 1, meridian == 180 ? -360 : 0));
    }

    /**
     * The GeoJSON geometry: a Polygon, or a MultiPolygon of the {@link #parts} across the antimeridian; positions as
     * {@code double[]{lon, lat}} in maps and lists that any JSON library writes as they are.
     */
    public Map<String, Object> geoJson() {
        List<List<List<double[]>>> polygons = parts().stream()
                .map(part -> List.of(part.stream().map(p -> new double[]{p.lon(), p.lat()}).toList()))
                .toList();
        Map<String, Object> geometry = new LinkedHashMap<>();
        geometry.put("type", polygons.size() == 1 ? "Polygon" : "MultiPolygon");
        geometry.put("coordinates", polygons.size() == 1 ? polygons.getFirst() : polygons);
        return geometry;
    }

    /**
     * The ring's points on the side of {@code meridian} that {@code direction} points to (-1 west, 1 east), with the
     * points where its edges cross the meridian, shifted by {@code shift} degrees of longitude.
     */
    private List<LonLat> side(double meridian, double direction, double shift) {
        List<LonLat> part = new ArrayList<>();
        for (int i = 1; i < ring.size(); i++) {
            LonLat a = ring.get(i - 1);
            LonLat b = ring.get(i);
            double aBeyond = (a.lon() - meridian) * direction;
            double bBeyond = (b.lon() - meridian) * direction;
            if (aBeyond >= 0) {
                part.add(new LonLat(a.lon() + shift, a.lat()));
            }
            if (aBeyond * bBeyond < 0) { // computed alike for both parts: they share the crossing exactly
                double t = (meridian - a.lon()) / (b.lon() - a.lon());
                part.add(new LonLat(meridian + shift, a.lat() + t * (b.lat() - a.lat())));
            }
        }
        part.add(part.getFirst());
        return part;
    }

    /**
     * The ring with each longitude moved by ±360° where needed to be within 180° of the one before: GDAL gives them
     * within [-180, 180], so a ring across the antimeridian jumps there by almost 360°. A ring that only touches the
     * antimeridian is then moved as a whole to lie within [-180, 180].
     */
    private static List<LonLat> unwrapped(List<LonLat> ring, Crs crs) {
        List<LonLat> continuous = new ArrayList<>(List.of(ring.getFirst()));
        for (int i = 1; i < ring.size(); i++) {
            LonLat point = ring.get(i);
            long turns = Math.round((continuous.getLast().lon() - point.lon()) / 360);
            continuous.add(turns == 0 ? point : new LonLat(point.lon() + 360 * turns, point.lat()));
        }
        if (continuous.getLast().lon() != continuous.getFirst().lon()) {
            // its longitudes went once round the globe: the outline circles a pole rather than enclosing an area
            String pole = continuous.getFirst().lat() > 0 ? "North" : "South";
            throw new RasterException(crs.label(), "the raster contains the " + pole + " Pole (its outline goes "
                    + "round it through every longitude), expected a raster that does not reach the poles");
        }
        double west = continuous.stream().mapToDouble(LonLat::lon).min().orElseThrow();
        double east = continuous.stream().mapToDouble(LonLat::lon).max().orElseThrow();
        double shift = west >= 180 ? -360 : east <= -180 ? 360 : 0; // it starts on ±180° and lies beyond
        return shift == 0 ? continuous
                : continuous.stream().map(point -> new LonLat(point.lon() + shift, point.lat())).toList();
    }

    /** The shoelace formula: positive when the ring turns counter-clockwise. */
    private static double signedArea(List<LonLat> ring) {
        double twice = 0;
        for (int i = 1; i < ring.size(); i++) {
            twice += ring.get(i - 1).lon() * ring.get(i).lat() - ring.get(i).lon() * ring.get(i - 1).lat();
        }
        return twice / 2;
    }

    /** The box of the continuous ring, its west and east then brought back within [-180, 180]. */
    private static Box box(List<LonLat> ring) {
        double west = Double.POSITIVE_INFINITY, south = Double.POSITIVE_INFINITY;
        double east = Double.NEGATIVE_INFINITY, north = Double.NEGATIVE_INFINITY;
        for (LonLat point : ring) {
            west = Math.min(west, point.lon());
            east = Math.max(east, point.lon());
            south = Math.min(south, point.lat());
            north = Math.max(north, point.lat());
        }
        return new Box(west < -180 ? west + 360 : west, south, east > 180 ? east - 360 : east, north);
    }
}
