package io.tileinfer.raster;

import static io.tileinfer.raster.TestData.ALL_FOUR_BANDS;
import static io.tileinfer.raster.TestData.read;
import static io.tileinfer.raster.TestData.variant;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryFileTest {

    private static final Window WINDOW = new Window(250, 300, 256, 200);

    @Test
    void opensTheSameRasterAsTheFileAndIsGoneOnceClosed() throws Exception {
        String location = variant("l8_rgbn_cog.tif");
        String path;
        try (MemoryFile memory = MemoryFile.of(Files.readAllBytes(Path.of(location)), "tile.tif");
             RasterReader reader = RasterReader.open(memory.path())) {
            path = memory.path();
            assertTrue(path.startsWith("/vsimem/") && path.endsWith("/tile.tif"), path);
            RasterInfo info = reader.info();
            try (RasterReader file = RasterReader.open(location)) {
                assertEquals(file.info().transform(), info.transform());
                assertTrue(file.info().crs().sameAs(info.crs()));
                assertEquals(file.info().bands(), info.bands());
            }
            float[] values = new float[(int) WINDOW.pixels() * 4];
            reader.read(WINDOW, ALL_FOUR_BANDS, values);
            assertArrayEquals(read(location, WINDOW, ALL_FOUR_BANDS), values);
            reader.checkIntegrity();
        }
        RasterException gone = assertThrows(RasterException.class, () -> RasterReader.open(path));
        assertTrue(gone.getMessage().startsWith(path + ": cannot open"), gone.getMessage());
    }

    @Test
    void aTruncatedTiffFailsItsIntegrityCheckInMemoryToo() throws Exception {
        byte[] bytes = Files.readAllBytes(Path.of(variant("l8_rgbn_truncated.tif")));
        try (MemoryFile memory = MemoryFile.of(bytes, "truncated.tif");
             RasterReader reader = RasterReader.open(memory.path())) {
            RasterException e = assertThrows(RasterException.class, reader::checkIntegrity);
            assertTrue(e.getMessage().contains("but the file has 400000 bytes: the file is truncated"), e.getMessage());
        }
    }

    @Test
    void bytesThatAreNoRasterAndEmptyBytesCannotBeOpened() throws Exception {
        for (byte[] bytes : new byte[][] {Files.readAllBytes(Path.of(variant("not_a_tiff.tif"))), new byte[0]}) {
            try (MemoryFile memory = MemoryFile.of(bytes, "x.tif")) {
                RasterException e = assertThrows(RasterException.class, () -> RasterReader.open(memory.path()));
                assertTrue(e.getMessage().startsWith(memory.path() + ": cannot open as a GeoTIFF: "), e.getMessage());
            }
        }
    }

    /**
     * Bytes from outside are opened as a GeoTIFF only: a VRT would read whatever file or URL its sources name, on
     * the machine that opens it. The same VRT written to disk opens, so it is a valid one.
     */
    @Test
    void aVrtInMemoryIsNotOpenedThoughItIsAValidRaster(@TempDir Path dir) throws Exception {
        String vrt = """
                <VRTDataset rasterXSize="4" rasterYSize="4">
                  <VRTRasterBand dataType="UInt16" band="1">
                    <SimpleSource><SourceFilename relativeToVRT="0">%s</SourceFilename><SourceBand>1</SourceBand>
                    </SimpleSource>
                  </VRTRasterBand>
                </VRTDataset>
                """.formatted(variant("l8_rgbn_cog.tif"));
        Path onDisk = Files.writeString(dir.resolve("secret.vrt"), vrt);
        try (RasterReader reader = RasterReader.open(onDisk.toString())) {
            assertEquals("VRT", reader.info().driver());
        }
        try (MemoryFile memory = MemoryFile.of(vrt.getBytes(StandardCharsets.UTF_8), "tile.tif")) {
            RasterException e = assertThrows(RasterException.class, () -> RasterReader.open(memory.path()));
            assertTrue(e.getMessage().startsWith(memory.path() + ": cannot open as a GeoTIFF: "), e.getMessage());
        }
    }

    @Test
    void refusesFileNamesThatAreNotOnePlainSegment() {
        assertThrows(IllegalArgumentException.class, () -> MemoryFile.of(new byte[1], "../etc/passwd"));
    }
}
