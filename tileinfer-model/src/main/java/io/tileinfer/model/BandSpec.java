package io.tileinfer.model;

import java.util.Objects;

/**
 * One input band of a model: its name in the source imagery, its common name (e.g. "red", "nir08"; may be
 * null), the linear scaling that turns raw raster values into model input: {@code raw * scale + offset}, and the
 * raw value that means no data in the imagery the model is made for (Landsat Level-1's fill, 0; null when none),
 * which applies to a scene whose configuration and files name none.
 *
 * <p>{@code sunAngleCorrected}: the scaled value is divided by the sine of the sun's elevation at the scene, as
 * Landsat Level-1 reflectance must be (USGS: {@code ρ = (M * Q + A) / sin(θ_SE)}): the model then sees the same
 * reflectance for the same surface whatever the season and latitude. Such a band needs each scene's sun elevation.
 */
public record BandSpec(String name, String commonName, double scale, double offset, Double nodata,
                       boolean sunAngleCorrected) {

    public BandSpec(String name, String commonName, double scale, double offset) {
        this(name, commonName, scale, offset, null);
    }

    public BandSpec(String name, String commonName, double scale, double offset, Double nodata) {
        this(name, commonName, scale, offset, nodata, false);
    }

    public BandSpec {
        Objects.requireNonNull(name, "band name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a band name must not be blank");
        }
        if (!Double.isFinite(scale) || scale == 0 || !Double.isFinite(offset)) {
            throw new IllegalArgumentException("band " + name + ": scale must be finite and non-zero and offset "
                    + "finite, found scale " + scale + ", offset " + offset);
        }
        if (nodata != null && !Double.isFinite(nodata)) {
            throw new IllegalArgumentException("band " + name + ": nodata must be a finite number, found " + nodata);
        }
        offset = offset == 0 ? 0 : offset; // -0.0 (e.g. from -minimum / range) would make equal specs unequal
    }
}
