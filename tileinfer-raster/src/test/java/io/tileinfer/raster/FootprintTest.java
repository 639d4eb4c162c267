package io.tileinfer.raster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tileinfer.raster.Footprint.LonLat;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class FootprintTest {
    private static final Crs UTM_16N = Crs.parse("EPSG:32616");
    /** A Sentinel-2 tile's grid (10980 px of 10 m) at 63° N, near the western edge of UTM zone 16. */
    private static final GeoTransform NORTHERN_TILE = new GeoTransform(199980, 10, 0, 7109800, 0, -10);
    private static final int SIDE = 10980;

    @Test
    void theOutlineFollowsTheCurvedEdgesOfAUtmTileToWithinTwoMetres() {
        Footprint footprint = Footprint.of(NORTHERN_TILE, SIDE, SIDE, UTM_16N);
        assertEquals(4 * Footprint.SEGMENTS_PER_EDGE + 1, footprint.ring().size());
        List<LonLat> edges = trueEdges(NORTHERN_TILE, SIDE, SIDE, 100);
        assertTrue(maxDistanceMetres(edges, footprint.ring()) < 2.0, "densified outline off by "
                + maxDistanceMetres(edges, footprint.ring()) + " m");
        // the same measure on the corners alone: the check above is one that a plain four-corner polygon fails
        List<LonLat> corners = List.of(footprint.ring().get(0), footprint.ring().get(16), footprint.ring().get(32),
                footprint.ring().get(48), footprint.ring().get(0));
        assertTrue(maxDistanceMetres(edges, corners) > 400, "corners only: " + maxDistanceMetres(edges, corners));
        // the curved edges bulge beyond the corners: the box holds every point of the true outline
        for (LonLat point : edges) {
            assertTrue(point.lon() >= footprint.box().west() - 1e-9 && point.lon() <= footprint.box().east() + 1e-9
                    && point.lat() >= footprint.box().south() - 1e-9 && point.lat() <= footprint.box().north() + 1e-9,
                    point + " outside " + footprint.box());
        }
    }

    @Test
    void aClosedCounterClockwiseRingFromTheUpperLeftCornerAsGdalinfoListsIt() {
        String b2 = TestData.landsat("B2");
        JsonNode extent = TestData.gdalinfoJson(b2).at("/wgs84Extent/coordinates/0");
        Footprint footprint;
        try (RasterReader reader = RasterReader.open(b2)) {
            RasterInfo info = reader.info();
            footprint = Footprint.of(info.transform(), info.width(), info.height(), info.crs());
        }
        List<LonLat> ring = footprint.ring();
        assertEquals(ring.getFirst(), ring.getLast());
        for (int corner = 0; corner < 4; corner++) {
            LonLat ours = ring.get(corner * Footprint.SEGMENTS_PER_EDGE);
            assertEquals(extent.get(corner).get(0).asDouble(), ours.lon(), 1e-7, "corner " + corner);
            assertEquals(extent.get(corner).get(1).asDouble(), ours.lat(), 1e-7, "corner " + corner);
        }
        // a south-up copy of the same grid starts at the lower left corner and is turned round to run the same way
        GeoTransform northUp = new GeoTransform(452475, 30, 0, 3408645, 0, -30);
        GeoTransform southUp = new GeoTransform(452475, 30, 0, 3408645 - 603 * 30, 0, 30);
        Footprint flipped = Footprint.of(southUp, 627, 603, UTM_16N);
        assertEquals(Footprint.of(northUp, 627, 603, UTM_16N).box(), flipped.box());
        assertTrue(turnsCounterClockwise(flipped.ring()));
    }

    @Test
    void aRasterAcrossTheAntimeridianIsRefusedRatherThanWrappedRoundTheGlobe() {
        // UTM zone 60N ends at 180° E: 300 km east of its central meridian, near the equator, is beyond it
        GeoTransform across = new GeoTransform(700000, 100, 0, 100000, 0, -100);
        RasterException e = assertThrows(RasterException.class,
                () -> Footprint.of(across, 3000, 100, Crs.parse("EPSG:32660")));
        assertTrue(e.getMessage().contains("antimeridian"), e.getMessage());
    }

    @Test
    void aCrsWithoutEpsgCodeHasItsWkt2() {
        Crs custom = Crs.parse("+proj=utm +zone=16 +ellps=intl +units=m +no_defs");
        assertNull(custom.epsg());
        assertTrue(custom.wkt2().startsWith("PROJCRS["), custom.wkt2());
        assertTrue(Crs.parse(custom.wkt2()).sameAs(custom));
    }

    /** {@code perEdge} points along each edge of the raster, each transformed by GDAL on its own. */
    private static List<LonLat> trueEdges(GeoTransform gt, int width, int height, int perEdge) {
        double[][] corners = {{0, 0}, {0, height}, {width, height}, {width, 0}};
        List<LonLat> points = new ArrayList<>();
        for (int edge = 0; edge < 4; edge++) {
            double[] from = corners[edge];
            double[] to = corners[(edge + 1) % 4];
            for (int i = 0; i < perEdge; i++) {
                double col = from[0] + (to[0] - from[0]) * (i + 0.5) / perEdge;
                double row = from[1] + (to[1] - from[1]) * (i + 0.5) / perEdge;
                double[] lonLat = UTM_16N.toLonLat(gt.x(col, row), gt.y(col, row));
                points.add(new LonLat(lonLat[0], lonLat[1]));
            }
        }
        return points;
    }

    /** The largest distance from any of {@code points} to the polyline, in metres on a local flat approximation. */
    private static double maxDistanceMetres(List<LonLat> points, List<LonLat> polyline) {
        double worst = 0;
        for (LonLat p : points) {
            double metresPerDegreeLon = 111_320 * Math.cos(Math.toRadians(p.lat()));
            double nearest = Double.POSITIVE_INFINITY;
            for (int i = 1; i < polyline.size(); i++) {
                LonLat a = polyline.get(i - 1);
                LonLat b = polyline.get(i);
                double ax = (a.lon() - p.lon()) * metresPerDegreeLon, ay = (a.lat() - p.lat()) * 110_540;
                double bx = (b.lon() - p.lon()) * metresPerDegreeLon, by = (b.lat() - p.lat()) * 110_540;
                double dx = bx - ax, dy = by - ay;
                double t = Math.clamp(-(ax * dx + ay * dy) / (dx * dx + dy * dy), 0, 1);
                nearest = Math.min(nearest, Math.hypot(ax + t * dx, ay + t * dy));
            }
            worst = Math.max(worst, nearest);
        }
        return worst;
    }

    private static boolean turnsCounterClockwise(List<LonLat> ring) {
        double twice = 0;
        for (int i = 1; i < ring.size(); i++) {
            twice += ring.get(i - 1).lon() * ring.get(i).lat() - ring.get(i).lon() * ring.get(i - 1).lat();
        }
        return twice > 0;
    }
}
