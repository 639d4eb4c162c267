package io.tileinfer.core.config;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A scene as the configuration declares it, before any file is opened. Exactly one of the three forms is set:
 * one multi-band {@code file} (with optional {@code bandNames}), {@code bandFiles} (single-band files stacked in
 * the declared order), or a STAC Item ({@code stacItem}) whose assets are per-band GeoTIFFs.
 * Locations are absolute paths or URLs. {@code sunElevation} (degrees; null: found or computed) is for models whose
 * bands are corrected for the sun angle.
 */
public record SceneSpec(String id, String file, List<String> bandNames, Map<String, String> bandFiles,
                        String stacItem, Double nodata, Instant acquired, Double sunElevation) {

    public SceneSpec(String id, String file, List<String> bandNames, Map<String, String> bandFiles, String stacItem,
                     Double nodata, Instant acquired) {
        this(id, file, bandNames, bandFiles, stacItem, nodata, acquired, null);
    }

    public String describe() {
        if (file != null) {
            return file;
        }
        if (stacItem != null) {
            return stacItem;
        }
        return String.join(", ", bandFiles.values());
    }
}
