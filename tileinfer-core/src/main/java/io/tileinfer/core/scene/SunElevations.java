package io.tileinfer.core.scene;

import io.tileinfer.raster.Crs;
import io.tileinfer.raster.GeoTransform;
import net.e175.klaus.solarpositioning.DeltaT;
import net.e175.klaus.solarpositioning.SPA;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * The sun's elevation over a scene computed from its acquisition time and the longitude and latitude of its centre,
 * for a scene whose products say none: NREL's Solar Position Algorithm (±0.0003°) through the solarpositioning
 * library, without refraction (the geometric elevation, as Landsat's MTL.txt gives SUN_ELEVATION).
 */
final class SunElevations {

    private SunElevations() {
    }

    /**
     * The elevation at {@code at} over the centre of a {@code width} × {@code height} raster on {@code transform}'s
     * grid in {@code crs}, with the time and place it was computed for as its source.
     *
     * @throws io.tileinfer.raster.RasterException when GDAL cannot transform the centre to longitude and latitude
     * @throws IllegalArgumentException            when the centre is no place on Earth (a latitude beyond ±90°)
     */
    static SunElevation at(Instant at, GeoTransform transform, int width, int height, Crs crs) {
        double[] lonLat = crs.toLonLat(transform.x(width / 2.0, height / 2.0), transform.y(width / 2.0, height / 2.0));
        double lon = longitude(lonLat[0]);
        double lat = lonLat[1];
        return new SunElevation(degrees(at, lon, lat), String.format(Locale.ROOT, "computed for %s at the scene's "
                + "centre, %.4f° %s %.4f° %s", at, Math.abs(lat), lat < 0 ? "S" : "N", Math.abs(lon),
                lon < 0 ? "W" : "E"));
    }

    /**
     * A longitude in [-180, 180): a grid in degrees across the antimeridian (as gdalwarp makes one) has its centre at
     * 180.2°, which is -179.8°.
     */
    static double longitude(double lon) {
        return ((lon + 180) % 360 + 360) % 360 - 180;
    }

    /**
     * The sun's elevation in degrees above the horizon at {@code at}, seen from sea level at lon, lat.
     *
     * @throws IllegalArgumentException for a latitude beyond ±90° or a longitude beyond ±180° (no place on Earth)
     */
    static double degrees(Instant at, double lon, double lat) {
        ZonedDateTime utc = at.atZone(ZoneOffset.UTC);
        return 90 - SPA.calculateSolarPosition(utc, lat, lon, 0, DeltaT.estimate(utc.toLocalDate())).zenithAngle();
    }
}
