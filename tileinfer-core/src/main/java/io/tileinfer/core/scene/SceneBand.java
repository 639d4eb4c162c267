package io.tileinfer.core.scene;

import io.tileinfer.raster.DataType;

import java.io.Serializable;

/** One band of a scene: band {@code index} (1-based) of the file at {@code location}. */
public record SceneBand(String name, String location, int index, DataType dataType, Double nodata)
        implements Serializable {
}
