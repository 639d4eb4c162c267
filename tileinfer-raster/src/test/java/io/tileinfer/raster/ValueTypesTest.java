package io.tileinfer.raster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void dataTypesMatchGdalCodesAndStacNames() {
        assertEquals(DataType.BYTE, DataType.fromGdal(1));
        assertEquals(DataType.FLOAT64, DataType.fromGdal(7));
        assertEquals("uint8", DataType.BYTE.stacName());
        assertEquals("float32", DataType.FLOAT32.stacName());
        assertEquals(6, DataType.FLOAT32.gdalCode());
        assertEquals(2, DataType.INT16.bytes());
        for (DataType type : DataType.values()) {
            assertEquals(type, DataType.fromGdal(type.gdalCode()));
        }
        RasterException complex = assertThrows(RasterException.class, () -> DataType.fromGdal(8));
        assertTrue(complex.getMessage().contains("8"), complex.getMessage());
    }

    @Test
    void windowsIntersect() {
        Window a = new Window(0, 0, 256, 256);
        assertEquals(new Window(128, 200, 128, 56), a.intersect(new Window(128, 200, 512, 512)));
        assertEquals(65536, a.pixels());
        assertTrue(a.intersect(new Window(300, 0, 10, 10)).isEmpty());
        assertFalse(a.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new Window(0, 0, -1, 5));
    }

    @Test
    void geoTransformBoundsWithNorthUpPixels() {
        GeoTransform gt = GeoTransform.fromGdal(new double[] {452475, 30, 0, 3408645, 0, -30});
        assertTrue(gt.isNorthUp());
        assertArrayEquals(new double[] {452475, 30, 0, 3408645, 0, -30}, gt.toGdal());
        assertArrayEquals(new double[] {452475 + 300, 3408645 - 30 * 30, 452475 + 600, 3408645 - 600},
                gt.bounds(new Window(10, 20, 10, 10)));
        assertArrayEquals(new double[] {452475, 3390555, 471285, 3408645}, gt.bounds(new Window(0, 0, 627, 603)));
    }

    @Test
    void geoTransformBoundsWithSouthUpAndRotatedPixels() {
        GeoTransform southUp = new GeoTransform(100, 1, 0, 0, 0, 2);
        assertFalse(southUp.isNorthUp());
        assertArrayEquals(new double[] {100, 0, 110, 20}, southUp.bounds(new Window(0, 0, 10, 10)));
        GeoTransform rotated = new GeoTransform(0, 1, 1, 0, 1, -1);
        assertFalse(rotated.isNorthUp());
        assertArrayEquals(new double[] {0, -2, 4, 2}, rotated.bounds(new Window(0, 0, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> GeoTransform.fromGdal(new double[5]));
    }

    @Test
    void rasterInfoKeepsGdalOrderAndFindsTheTiffDateTime() {
        RasterInfo info = new RasterInfo("x.tif", "GTiff", 2, 3,
                List.of(new BandInfo(1, DataType.UINT16, null, "", 2, 1)), null, null,
                Map.of("TIFFTAG_DATETIME", "2015:08:04 16:19:21"), Map.of());
        assertEquals(1, info.bandCount());
        assertEquals("2015:08:04 16:19:21", info.tiffDateTime().orElseThrow());
        assertThrows(UnsupportedOperationException.class, () -> info.metadata().put("a", "b"));
    }

    @Test
    void rasterExceptionsStartWithTheLocation() {
        RasterException e = new RasterException("s3://bucket/a.tif", "broken");
        assertEquals("s3://bucket/a.tif: broken", e.getMessage());
        assertEquals("s3://bucket/a.tif", e.location());
    }
}
