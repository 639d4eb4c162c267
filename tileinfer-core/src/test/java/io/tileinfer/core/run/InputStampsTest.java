package io.tileinfer.core.run;

import io.tileinfer.core.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class InputStampsTest {

    /**
     * Tiles divided by another sun elevation (an MTL.txt or a STAC item mended between a killed attempt and its
     * resume, the configuration alike) must not be stitched to the new ones: the record keeps the elevation.
     */
    @Test
    void anotherSunElevationIsAChangeOfTheScenesInputs(@TempDir Path dir) throws Exception {
        List<String> files = List.of(SharedData.variant("l8_rgbn_cog.tif"));
        Path record = dir.resolve("inputs.json");
        InputStamps.of(files, 30.0).write(record);

        assertNull(ResumePoint.inputsChanged(record, files, 30.0));
        assertEquals("the sun elevation (30.0° then, 64.74360932° now) changed since the earlier attempt",
                ResumePoint.inputsChanged(record, files, 64.74360932));
        assertEquals("the sun elevation (30.0° then, none now) changed since the earlier attempt",
                ResumePoint.inputsChanged(record, files, null));

        InputStamps.of(files, null).write(record);
        assertNull(ResumePoint.inputsChanged(record, files, null), "a model without corrected bands: none either time");
    }
}
