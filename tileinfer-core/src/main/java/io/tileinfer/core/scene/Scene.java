package io.tileinfer.core.scene;

import io.tileinfer.raster.Crs;
import io.tileinfer.raster.GeoTransform;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * A validated scene: its bands (in the model's input order) share one pixel grid and one CRS.
 * {@code acquired} is null only when the acquisition-time check was switched off; {@code acquiredUntil} is null
 * unless the acquisition is a range (a STAC Item's start and end datetimes, for a composite), which starts at
 * {@code acquired}. {@code sun} (the sun's elevation and its source) is known only where the model corrects its bands
 * for the sun angle ({@link io.tileinfer.model.BandSpec#sunAngleCorrected()}), else null.
 */
public record Scene(String id, int width, int height, GeoTransform transform, Crs crs, Instant acquired,
                    Instant acquiredUntil, List<SceneBand> bands, SunElevation sun) implements Serializable {

    public Scene(String id, int width, int height, GeoTransform transform, Crs crs, Instant acquired,
                 Instant acquiredUntil, List<SceneBand> bands) {
        this(id, width, height, transform, crs, acquired, acquiredUntil, bands, null);
    }

    /** The sun's elevation in degrees; null where the model needs none. */
    public Double sunElevation() {
        return sun == null ? null : sun.degrees();
    }

    /** The acquisition as ISO 8601 writes it: an instant, or {@code start/end}. */
    public String acquisition() {
        return acquiredUntil == null ? String.valueOf(acquired) : acquired + "/" + acquiredUntil;
    }

    public List<String> locations() {
        return bands.stream().map(SceneBand::location).distinct().toList();
    }

    public List<String> bandNames() {
        return bands.stream().map(SceneBand::name).toList();
    }
}
