package io.tileinfer.core.run;

import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.scene.Expectations;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelVersion;

/**
 * What a configuration and a model together decide before any pixel is read: the run id, the tiling (the
 * configuration's, else the model card's recommendation) and what scenes are checked against.
 */
public record RunSettings(String runId, int tileSize, int halo, Expectations expectations) {

    public static RunSettings of(PipelineConfig config, ModelVersion model) {
        ModelCard card = model.card();
        int size = config.tileSize() != null ? config.tileSize() : card.tileSize();
        int halo = config.halo() != null ? config.halo() : card.halo();
        if (2 * halo >= size) {
            throw new IllegalArgumentException(config.file() + ": tiling: a halo of " + halo + " with tiles of "
                    + size + " pixels leaves no core; expected a halo below half the tile size");
        }
        return new RunSettings(RunIds.of(config.file(), config.sha256(), model.id()), size, halo,
                Expectations.forModel(card, config.crs(), config.skipChecks()));
    }
}
