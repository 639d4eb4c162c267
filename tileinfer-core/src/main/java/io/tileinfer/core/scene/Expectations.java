package io.tileinfer.core.scene;

import io.tileinfer.model.BandSpec;
import io.tileinfer.model.ModelCard;
import io.tileinfer.raster.Crs;

import java.util.List;
import java.util.Set;

/**
 * What a scene is checked against beyond its own consistency: the model's bands (a scene's band answers to the
 * card's name, else to its common name) and data type, the configured CRS, and the checks the user switched off.
 * Null fields are not checked.
 */
public record Expectations(List<BandSpec> modelBands, String modelDataType, Crs crs, Set<String> skipChecks) {

    public static Expectations none() {
        return new Expectations(null, null, null, Set.of());
    }

    /** The model card's bands and input data type, and {@code crs} when not null. */
    public static Expectations forModel(ModelCard card, Crs crs, Set<String> skipChecks) {
        return new Expectations(card.bands(), card.inputDataType(), crs, skipChecks);
    }

    public boolean checks(String check) {
        return !skipChecks.contains(check);
    }
}
