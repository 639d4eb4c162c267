package io.tileinfer.cli;

import io.tileinfer.core.config.SceneSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SceneArgumentsTest {
    private static final Path LANDSAT = ValidateCommandTest.DATA.resolve("landsat8-LC80200392015216");

    @Test
    void bandsAreNamedByTheTokenThatEndsAnArchiveFileName() {
        assertEquals("B2", SceneArguments.bandName(Path.of("LC08_L1TP_020039_20150804_20200908_02_T1_B2.TIF")));
        assertEquals("B10", SceneArguments.bandName(Path.of("LC08_L2SP_020039_20150804_20200908_02_T1_ST_B10.TIF")));
        assertEquals("BQA", SceneArguments.bandName(Path.of("LC80200392015216LGN00_BQA.tif")));
        assertEquals("B8A", SceneArguments.bandName(Path.of("T18SVG_20160112T160622_B8A.tif")));
        assertEquals("B2", SceneArguments.bandName(Path.of("b2.tif")));
        assertEquals("QA_PIXEL", SceneArguments.bandName(Path.of("QA_PIXEL.TIF")), "not a band token: the name");
        assertEquals("red", SceneArguments.bandName(Path.of("red.tiff")));
    }

    /** A URL's query does not hide what the argument is (a signed URL's is refused: ValidateCommandTest). */
    @Test
    void aUrlIsAnItemOrARasterByItsPathAlone() throws Exception {
        SceneSpec item = SceneArguments.spec("https://example.org/items/S2A.json?versionId=ab%2Fc");
        assertEquals("https://example.org/items/S2A.json?versionId=ab%2Fc", item.stacItem());
        assertEquals("S2A", item.id());
        SceneSpec cog = SceneArguments.spec("https://example.org/cogs/B04.tif?download=1");
        assertEquals("https://example.org/cogs/B04.tif?download=1", cog.file());
        assertEquals("B04.tif", cog.id());
    }

    @Test
    void aDirectoryOfArchiveNamedFilesIsAStackOfItsBands(@TempDir Path dir) throws Exception {
        for (String band : List.of("B10", "B2", "B3")) {
            Files.createSymbolicLink(dir.resolve("LC08_L1TP_020039_20150804_20200908_02_T1_" + band + ".TIF"),
                    LANDSAT.resolve(band + ".tif"));
        }
        SceneSpec spec = SceneArguments.spec(dir.toString());
        assertEquals(List.of("B2", "B3", "B10"), List.copyOf(spec.bandFiles().keySet()), "in natural order");
        assertEquals(dir.resolve("LC08_L1TP_020039_20150804_20200908_02_T1_B3.TIF").toString(),
                spec.bandFiles().get("B3"));

        Files.createSymbolicLink(dir.resolve("b3.tif"), LANDSAT.resolve("B3.tif"));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> SceneArguments.spec(dir.toString()));
        assertEquals(dir + ": two files for band B3: LC08_L1TP_020039_20150804_20200908_02_T1_B3.TIF and b3.tif, "
                + "expected one a band",
                twice.getMessage());
    }
}
