package io.tileinfer.raster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CrsTest {

    @Test
    void parsesEpsgCodes() {
        Crs utm = Crs.parse("EPSG:32616");
        assertEquals(32616, utm.epsg());
        assertEquals("EPSG:32616", utm.label());
        assertTrue(utm.wkt().contains("UTM zone 16N"), utm.wkt());
    }

    @Test
    void transformsToLongitudeAndLatitudeAsGdaltransformDoes() {
        // echo '452475 3408645' | gdaltransform -s_srs EPSG:32616 -t_srs EPSG:4326 -output_xy
        double[] lonLat = Crs.parse("EPSG:32616").toLonLat(452475, 3408645, 471285, 3390555);
        double[] expected = {-87.4968352830722, 30.8099457467479, -87.2996895765519, 30.6473156748621};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], lonLat[i], 1e-9);
        }
        // EPSG:4326's own axis order is latitude first: the result is longitude first all the same
        double[] same = Crs.parse("EPSG:4326").toLonLat(-87.5, 30.8);
        assertEquals(-87.5, same[0], 1e-12);
        assertEquals(30.8, same[1], 1e-12);
    }

    @Test
    void sameAsComparesDefinitionsNotText() {
        Crs utm = Crs.parse("EPSG:32616");
        Crs fromWkt = Crs.parse(utm.wkt());
        assertEquals(32616, fromWkt.epsg());
        assertTrue(utm.sameAs(fromWkt));
        assertTrue(utm.sameAs(new Crs(utm.wkt(), null)));
        assertFalse(utm.sameAs(Crs.parse("EPSG:4326")));
        assertFalse(utm.sameAs(Crs.parse("EPSG:32618")));
    }

    @Test
    void sameAsAcrossWktDialects() {
        // gdalinfo prints WKT2; GDALGetProjectionRef gives WKT1: both describe the same CRS.
        String wkt2 = TestData.gdalinfoJson(TestData.landsat("B2")).path("coordinateSystem").path("wkt").asText();
        assertTrue(wkt2.startsWith("PROJCRS["), wkt2);
        try (RasterReader reader = RasterReader.open(TestData.landsat("B2"))) {
            assertTrue(reader.info().crs().sameAs(Crs.parse(wkt2)));
        }
    }

    @Test
    void labelsCrsWithoutEpsgCodeByName() {
        Crs custom = Crs.parse("+proj=utm +zone=16 +ellps=intl +units=m +no_defs");
        assertNull(custom.epsg());
        assertEquals("an unnamed CRS (Transverse_Mercator)", custom.label(), "GDAL names it \"unknown\"");
        Crs lcc = Crs.parse("+proj=lcc +lat_1=33 +lat_2=45 +lat_0=39 +lon_0=-96 +datum=WGS84 +units=m +no_defs");
        assertEquals("an unnamed CRS (Lambert_Conformal_Conic_2SP)", lcc.label());
        Crs named = new Crs("PROJCS[\"My local grid\",GEOGCS[\"WGS 84\"]]", null);
        assertEquals("My local grid", named.label());
    }

    @Test
    void rejectsWhatIsNoCrs() {
        RasterException e = assertThrows(RasterException.class, () -> Crs.parse("EPSG:999999"));
        assertTrue(e.getMessage().startsWith("EPSG:999999: "), e.getMessage());
        assertThrows(RasterException.class, () -> Crs.parse("not a crs"));
        assertThrows(RasterException.class, () -> new Crs("garbage", null).sameAs(Crs.parse("EPSG:4326")));
    }
}
