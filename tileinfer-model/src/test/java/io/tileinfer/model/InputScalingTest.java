package io.tileinfer.model;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputScalingTest {

    private static final BandSpec REFLECTANCE = new BandSpec("B2", "blue", 2.0E-5, -0.1, 0.0, true);
    private static final BandSpec RADIANCE = new BandSpec("B10", "lwir11", 3.342E-4, 0.1, 0.0, false);

    @Test
    void dividesCorrectedBandsBySinSunElevationAndLeavesTheOthers() {
        InputScaling scaling = InputScaling.of(List.of(REFLECTANCE, RADIANCE), 30.0);
        float[] raw = {10000, 20000, 10000, 20000}; // one tile of 2 pixels, 2 bands
        FloatBuffer scaled = FloatBuffer.allocate(4);

        scaling.apply(raw, 1, 2, scaled);

        double sin30 = StrictMath.sin(StrictMath.toRadians(30));
        // the division folded into the scale and offset, as the card's "(A * s + o) / sin(e)" within a double's last bit
        assertEquals((float) (10000 * (2.0E-5 / sin30) + -0.1 / sin30), scaled.get(0));
        assertEquals((float) (20000 * (2.0E-5 / sin30) + -0.1 / sin30), scaled.get(1));
        assertEquals((10000 * 2.0E-5 - 0.1) / sin30, scaled.get(0), 1e-7);
        assertEquals((20000 * 2.0E-5 - 0.1) / sin30, scaled.get(1), 1e-7);
        assertEquals(0.2f, scaled.get(0), 1e-6, "0.1 reflectance at a 30° sun is 0.2 at a vertical one");
        assertEquals((float) (10000 * 3.342E-4 + 0.1), scaled.get(2), "radiance is not corrected");
        assertEquals(scaled.get(1), scaling.apply(0, 20000), "the array and the single value agree");
        assertEquals(30.0, scaling.sunElevation());
    }

    @Test
    void aCorrectedBandNeedsASunAboveTheHorizon() {
        assertTrue(InputScaling.needsSunElevation(List.of(RADIANCE, REFLECTANCE)));
        assertFalse(InputScaling.needsSunElevation(List.of(RADIANCE)));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> InputScaling.of(List.of(RADIANCE, REFLECTANCE)));
        assertEquals("band B2 is corrected for the sun angle: the scene's sun elevation is needed, and none is "
                + "known", none.getMessage());
        for (double below : new double[]{0.99, 4.9e-324, 0, -5, 90.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> InputScaling.of(List.of(REFLECTANCE), below),
                    String.valueOf(below));
        }
        assertNull(InputScaling.of(List.of(RADIANCE)).sunElevation());
        assertEquals((float) (1000 * 3.342E-4 + 0.1), InputScaling.of(List.of(RADIANCE), 45.0).apply(0, 1000),
                "a sun elevation changes no uncorrected band");
    }
}
