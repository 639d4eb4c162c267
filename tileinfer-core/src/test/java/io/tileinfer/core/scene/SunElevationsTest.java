package io.tileinfer.core.scene;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SunElevationsTest {

    /**
     * USGS's own figure: the sample scene's MTL.txt gives SUN_ELEVATION 64.74360932 at SCENE_CENTER_TIME, for the
     * centre of its four CORNER_*_LAT/LON_PRODUCT (30.2960° N, 87.0114° W).
     */
    @Test
    void agreesWithTheLandsatMtlAtTheScenesCentre() {
        Instant centreTime = Instant.parse("2015-08-04T16:19:21.7917421Z");
        double lat = (31.35420 + 31.35442 + 29.23760 + 29.23780) / 4;
        double lon = (-88.21958 - 85.80355 - 88.19366 - 85.82897) / 4;
        assertEquals(64.74360932, SunElevations.degrees(centreTime, lon, lat), 0.002);
    }

    /** A grid in degrees across the antimeridian has its centre beyond 180°, which SPA refuses: it is -180° + x. */
    @Test
    void aLongitudeBeyondTheAntimeridianIsTheSamePlace() {
        assertEquals(-179.8, SunElevations.longitude(180.2), 1e-9);
        assertEquals(179.8, SunElevations.longitude(-180.2), 1e-9);
        assertEquals(-87.0, SunElevations.longitude(-87.0), 1e-9);
        Instant at = Instant.parse("2015-08-04T22:00:00Z");
        assertEquals(SunElevations.degrees(at, -179.8, -17), SunElevations.degrees(at,
                SunElevations.longitude(180.2), -17), 1e-12);
    }

    @Test
    void isBelowTheHorizonAtNightAndHighestNearNoon() {
        assertTrue(SunElevations.degrees(Instant.parse("2015-08-04T03:00:00Z"), -87, 30.3) < 0, "night in Alabama");
        // local solar noon at 87° W is about 17:48 UTC in August: the sun stands higher than at 16:19
        assertTrue(SunElevations.degrees(Instant.parse("2015-08-04T17:48:00Z"), -87, 30.3)
                > SunElevations.degrees(Instant.parse("2015-08-04T16:19:21Z"), -87, 30.3));
    }
}
