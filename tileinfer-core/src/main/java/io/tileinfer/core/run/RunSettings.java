package io.tileinfer.core.run;

import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.config.Stitching;
import io.tileinfer.core.scene.Expectations;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelVersion;

/**
 * What a configuration and a model together decide before any pixel is read: the run id, the tiling (the
 * configuration's, else the model card's recommendation; the stitching is the configuration's alone) and what
 * scenes are checked against. {@code warning} is what {@code plan} prints and the run logs about a tiling it accepts
 * with a caveat (a halo below the card's that blending covers), else null.
 */
public record RunSettings(String runId, int tileSize, int halo, Stitching stitch, int overlap,
                          Expectations expectations, String warning) {

    public static RunSettings of(PipelineConfig config, ModelVersion model) {
        ModelCard card = model.card();
        requireSizeTheModelTakes(config, model);
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
        String warning = halo < card.halo() ? haloBelowTheCards(config, model, size, halo) : null;
        return new RunSettings(RunIds.of(config.file(), config.contentSha256(), model.id()), size, halo, config.stitch(),
                config.overlap(), Expectations.forModel(card, config.crs(), config.skipChecks()), warning);
    }

    /**
     * A card whose {@code mlm:input} shape fixes the height and width takes tiles of that size only: the tile fed to
     * the model is {@code tiling.size}, halo included, and any other size fails in ONNX Runtime on every tile.
     */
    private static void requireSizeTheModelTakes(PipelineConfig config, ModelVersion model) {
        ModelCard card = model.card();
        Integer size = config.tileSize();
        int fixed = card.fixedSide();
        if (size != null && fixed > 0 && size != fixed) {
            throw new ConfigException(config.file() + ": tiling.size: is " + size + ", but model " + model.id()
                    + " takes tiles of " + fixed + " x " + fixed + " px only (its card's mlm:input shape "
                    + card.inputShape() + "; tiling.size is the model's input, halo included), expected " + fixed
                    + " or no tiling.size (the card's)");
        }
    }

    /**
     * The card's halo is the model's reach around a pixel. A smaller halo has every tile's edge predicted from
     * padding: crop keeps those pixels as seams, so it is refused. Blend mixes each of them with its neighbour's
     * prediction, which sees the whole reach when the overlap is at least twice what the halo lacks (the pixel is
     * then under {@code lack} pixels from one tile's kept edge and at least {@code lack} from the other's): accepted,
     * with a warning, since the blend is near a whole-scene prediction but not equal to it.
     *
     * @return the warning, when blending covers the lack
     */
    private static String haloBelowTheCards(PipelineConfig config, ModelVersion model, int size, int halo) {
        int cardHalo = model.card().halo();
        int lack = cardHalo - halo;
        int overlapNeeded = 2 * lack;
        String cards = "the halo of " + cardHalo + " px on the card of model " + model.id() + " (tileinfer:halo, the "
                + "model's reach around a pixel)";
        if (config.stitch() == Stitching.BLEND && config.overlap() >= overlapNeeded) {
            return config.file() + ": tiling.halo: is " + halo + ", below " + cards + ": with stitch: blend and an "
                    + "overlap of " + config.overlap() + " each tile edge predicted from padding is blended with a "
                    + "neighbour's prediction that sees the whole reach, close to a whole-scene prediction but not "
                    + "equal to it; a halo of " + cardHalo + " would leave those edges out";
        }
        String halos = "a halo of at least " + cardHalo + (2 * cardHalo >= size ? " (with a tiling.size above "
                + 2 * cardHalo + ")" : " (or no tiling.halo: the card's)");
        boolean blendFits = overlapNeeded <= TileGrid.maxOverlap(size, halo);
        if (config.stitch() == Stitching.BLEND) {
            throw new ConfigException(config.file() + ": tiling.halo: is " + halo + " with stitch: blend and an "
                    + "overlap of " + config.overlap() + ", below " + cards + ": an overlap under twice the " + lack
                    + " px the halo lacks leaves pixels that no tile predicts with the whole reach; expected " + halos
                    + (blendFits ? ", or an overlap of at least " + overlapNeeded : ""));
        }
        throw new ConfigException(config.file() + ": tiling.halo: is " + halo + ", below " + cards + ": cropped "
                + "tiles would show seams where each tile's edge is predicted from padding; expected " + halos
                + (blendFits ? ", or stitch: blend with an overlap of at least " + overlapNeeded : ""));
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
