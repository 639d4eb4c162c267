package io.tileinfer.core.scene;

import io.tileinfer.raster.Crs;

import java.util.List;
import java.util.Set;

/**
 * What a scene is checked against beyond its own consistency: the model's bands and data type, the
 * configured CRS, and the checks the user switched off. Null fields are not checked.
 */
public record Expectations(List<String> modelBands, String modelDataType, Crs crs, Set<String> skipChecks) {

    public static Expectations none() {
        return new Expectations(null, null, null, Set.of());
    }

    public boolean checks(String check) {
        return !skipChecks.contains(check);
    }
}
