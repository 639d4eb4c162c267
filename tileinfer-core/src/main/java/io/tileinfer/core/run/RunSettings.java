package io.tileinfer.core.run;

import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.config.Stitching;
import io.tileinfer.core.scene.Expectations;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelVersion;

/**
 * What a configuration and a model together decide before any pixel is read: the run id, the tiling (the
 * configuration's, else the model card's recommendation; the stitching is the configuration's alone) and what
 * scenes are checked against.
 */
public record RunSettings(String runId, int tileSize, int halo, Stitching stitch, int overlap,
                          Expectations expectations) {

    public static RunSettings of(PipelineConfig config, ModelVersion model) {
        ModelCard card = model.card();
        int size = config.tileSize() != null ? config.tileSize() : card.tileSize();
        int halo = config.halo() != null ? config.halo() : card.halo();
        if (2 * halo >= size) {
            throw new IllegalArgumentException(config.file() + ": tiling: a halo of " + halo + " with tiles of "
                    + size + " pixels leaves no core; expected a halo below half the tile size");
        }
        String overlapProblem = TileGrid.overlapProblem(size, halo, config.overlap());
        if (overlapProblem != null) {
            throw new IllegalArgumentException(config.file() + ": tiling.overlap: is " + config.overlap()
                    + " with tiles of " + size + " px and a halo of " + halo + " (the model card's where the "
                    + "configuration sets none); " + overlapProblem);
        }
        return new RunSettings(RunIds.of(config.file(), config.contentSha256(), model.id()), size, halo, config.stitch(),
                config.overlap(), Expectations.forModel(card, config.crs(), config.skipChecks()));
    }

    /** The tile grid of a scene of this size. */
    public TileGrid grid(int sceneWidth, int sceneHeight) {
        return new TileGrid(sceneWidth, sceneHeight, tileSize, halo, overlap);
    }

    public boolean blend() {
        return stitch == Stitching.BLEND;
    }

    /** How the plan and the logs say it: "crop", or "blend with a 16 px overlap". */
    public String describeStitching() {
        return blend() ? "blend with a " + overlap + " px overlap" : "crop";
    }
}
