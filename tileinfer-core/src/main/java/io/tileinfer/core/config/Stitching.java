package io.tileinfer.core.config;

import java.util.Locale;

/**
 * How tiles' predictions become the scene's ({@code tiling.stitch}): each tile's core kept as it is (crop, the
 * default), or overlapping kept windows whose probabilities are blended with weights that ramp across the overlap.
 */
public enum Stitching {
    CROP, BLEND;

    /** As the configuration spells it. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
