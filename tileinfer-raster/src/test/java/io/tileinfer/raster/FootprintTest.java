package io.tileinfer.raster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tileinfer.raster.Footprint.LonLat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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

    /**
     * A real band relocated across the antimeridian (603 × 603 pixels of 300 m, about 17° S), east of UTM zone 60's
     * 180° edge or west of zone 1's: GDAL's {@code ogr2ogr -wrapdateline}, given the raster's outline cut into as
     * many segments, splits it at the same points.
     */
    @ParameterizedTest
    @CsvSource({"EPSG:32760, 720000", "EPSG:32701, 100000"})
    void aRasterAcrossTheAntimeridianIsSplitThereAsOgrSplitsIt(String crs, int west, @TempDir Path dir) {
        Path tif = dir.resolve("across.tif");
        TestData.run(List.of("gdal_translate", "-q", "-srcwin", "0", "0", "603", "603", "-a_srs", crs, "-a_ullr",
                "" + west, "8150000", "" + (west + 180900), "7969100", TestData.landsat("B2"), tif.toString()));
        Footprint footprint;
        RasterInfo info;
        try (RasterReader reader = RasterReader.open(tif.toString())) {
            info = reader.info();
            footprint = Footprint.of(info.transform(), info.width(), info.height(), info.crs());
        }
        List<List<LonLat>> parts = footprint.parts();
        assertEquals(2, parts.size());
        assertSameVertices(ogrWrapDateline(tif, 180900.0 / Footprint.SEGMENTS_PER_EDGE, dir), parts);

        List<LonLat> westOfIt = parts.get(0), eastOfIt = parts.get(1);
        for (List<LonLat> part : parts) {
            assertEquals(part.getFirst(), part.getLast());
            assertTrue(turnsCounterClockwise(part), part.toString());
            assertTrue(part.stream().allMatch(p -> p.lon() >= -180 && p.lon() <= 180), part.toString());
        }
        // both parts end on the antimeridian at the same two latitudes, on the one side at 180°, on the other at -180°
        List<Double> crossings = latitudesAt(180, westOfIt);
        assertEquals(2, crossings.size(), westOfIt.toString());
        assertEquals(crossings, latitudesAt(-180, eastOfIt));
        assertTrue(westOfIt.stream().allMatch(p -> p.lon() > 178), "west of it: " + westOfIt);
        assertTrue(eastOfIt.stream().allMatch(p -> p.lon() < -178), "east of it: " + eastOfIt);

        // the box runs from its west across 180° to its east
        Footprint.Box box = footprint.box();
        assertTrue(box.crossesAntimeridian(), box.toString());
        assertEquals(westOfIt.stream().mapToDouble(LonLat::lon).min().orElseThrow(), box.west());
        assertEquals(eastOfIt.stream().mapToDouble(LonLat::lon).max().orElseThrow(), box.east());
        List<LonLat> all = parts.stream().flatMap(List::stream).toList();
        assertEquals(all.stream().mapToDouble(LonLat::lat).min().orElseThrow(), box.south());
        assertEquals(all.stream().mapToDouble(LonLat::lat).max().orElseThrow(), box.north());

        // the corners are gdalinfo's (which gives the four as one polygon, round the globe the wrong way)
        JsonNode extent = TestData.gdalinfoJson(tif.toString()).at("/wgs84Extent/coordinates/0");
        for (int corner = 0; corner < 4; corner++) {
            LonLat ours = footprint.ring().get(corner * Footprint.SEGMENTS_PER_EDGE);
            assertEquals(extent.get(corner).get(0).asDouble(), Math.IEEEremainder(ours.lon(), 360), 1e-7,
                    "corner " + corner);
            assertEquals(extent.get(corner).get(1).asDouble(), ours.lat(), 1e-7, "corner " + corner);
        }

        // a mirrored grid (columns from east to west) starts east of the antimeridian, and ends up the same
        GeoTransform gt = info.transform();
        GeoTransform mirrored = new GeoTransform(gt.originX() + 603 * gt.pixelWidth(), -gt.pixelWidth(), 0,
                gt.originY(), 0, gt.pixelHeight());
        Footprint fromTheEast = Footprint.of(mirrored, 603, 603, info.crs());
        assertTrue(fromTheEast.ring().getFirst().lon() < 0, fromTheEast.ring().getFirst().toString());
        assertSameVertices(parts, fromTheEast.parts());
        assertEquals(box.west(), fromTheEast.box().west(), 1e-9);
        assertEquals(box.east(), fromTheEast.box().east(), 1e-9);
    }

    @Test
    void aRasterRoundAPoleIsRefused() {
        // 200 km a side centred on the pole, in the polar stereographic CRSs of NSIDC (north) and Antarctica (south)
        GeoTransform aroundTheOrigin = new GeoTransform(-100000, 1000, 0, 100000, 0, -1000);
        for (String[] crsAndPole : new String[][]{{"EPSG:3413", "North"}, {"EPSG:3031", "South"}}) {
            RasterException e = assertThrows(RasterException.class,
                    () -> Footprint.of(aroundTheOrigin, 200, 200, Crs.parse(crsAndPole[0])));
            assertTrue(e.getMessage().startsWith(crsAndPole[0] + ": the raster contains the " + crsAndPole[1]
                    + " Pole"), e.getMessage());
        }
    }

    @Test
    void aCrsWithoutEpsgCodeHasItsWkt2() {
        Crs custom = Crs.parse("+proj=utm +zone=16 +ellps=intl +units=m +no_defs");
        assertNull(custom.epsg());
        assertTrue(custom.wkt2().startsWith("PROJCRS["), custom.wkt2());
        assertTrue(Crs.parse(custom.wkt2()).sameAs(custom));
    }

    /**
     * GDAL's own split: the raster's outline from {@code gdaltindex}, cut by {@code ogr2ogr -segmentize} into segments
     * of {@code segment} metres, transformed to EPSG:4326 and split by {@code -wrapdateline}.
     */
    private static List<List<LonLat>> ogrWrapDateline(Path tif, double segment, Path dir) {
        Path index = dir.resolve("outline.shp");
        Path wrapped = dir.resolve("wrapped.geojson");
        TestData.run(List.of("gdaltindex", index.toString(), tif.toString()));
        TestData.run(List.of("ogr2ogr", "-f", "GeoJSON", "-segmentize", "" + segment, "-t_srs", "EPSG:4326",
                "-wrapdateline", wrapped.toString(), index.toString()));
        JsonNode geometry;
        try {
            geometry = new ObjectMapper().readTree(wrapped.toFile()).at("/features/0/geometry");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals("MultiPolygon", geometry.path("type").asText(), geometry.toString());
        List<List<LonLat>> parts = new ArrayList<>();
        for (JsonNode polygon : geometry.path("coordinates")) {
            parts.add(polygon.get(0).valueStream()
                    .map(p -> new LonLat(p.get(0).asDouble(), p.get(1).asDouble())).toList());
        }
        return parts;
    }

    /**
     * Each part of {@code expected} has a part in {@code actual} on the same side of the antimeridian with the same
     * vertices, whatever their order, start and duplicates: to within 1e-7° (1 cm), and those on the antimeridian to
     * within 1e-5° (1 m). OGR puts these on the raster's true, curved edge (found in its own CRS, as a check with OSR
     * shows); the footprint splits its outline as it is drawn, on the straight segment between two transformed points,
     * which is within a metre or two of the true edge (see Footprint) and keeps the parts' union the outline.
     */
    private static void assertSameVertices(List<List<LonLat>> expected, List<List<LonLat>> actual) {
        assertEquals(expected.size(), actual.size());
        for (List<LonLat> part : expected) {
            double side = Math.signum(part.stream().mapToDouble(LonLat::lon).sum());
            List<LonLat> other = actual.stream()
                    .filter(p -> Math.signum(p.stream().mapToDouble(LonLat::lon).sum()) == side).findFirst()
                    .orElseThrow(() -> new AssertionError("no part on the side of " + part));
            for (boolean onTheAntimeridian : new boolean[]{false, true}) {
                List<LonLat> ours = onTheAntimeridian(other, onTheAntimeridian);
                List<LonLat> theirs = onTheAntimeridian(part, onTheAntimeridian);
                double tolerance = onTheAntimeridian ? 1e-5 : 1e-7;
                assertTrue(!ours.isEmpty() && furthestVertex(ours, theirs) < tolerance
                                && furthestVertex(theirs, ours) < tolerance,
                        "expected " + part + ", found " + other);
            }
        }
    }

    private static List<LonLat> onTheAntimeridian(List<LonLat> part, boolean on) {
        return part.stream().filter(p -> (Math.abs(p.lon()) == 180) == on).toList();
    }

    /** The largest distance in degrees from a vertex of {@code points} to the nearest vertex of {@code to}. */
    private static double furthestVertex(List<LonLat> points, List<LonLat> to) {
        return points.stream().mapToDouble(p -> to.stream()
                .mapToDouble(q -> Math.hypot(p.lon() - q.lon(), p.lat() - q.lat())).min().orElseThrow())
                .max().orElseThrow();
    }

    /** The latitudes of the part's distinct vertices at longitude {@code lon}, north to south. */
    private static List<Double> latitudesAt(double lon, List<LonLat> part) {
        return part.stream().filter(p -> p.lon() == lon).map(LonLat::lat).distinct()
                .sorted(Comparator.reverseOrder()).toList();
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
