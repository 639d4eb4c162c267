package io.tileinfer.core.run;

import io.tileinfer.core.Hashing;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.scene.SceneInspector;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.core.tile.TileReader;
import io.tileinfer.model.ModelOptions;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.model.TileModel;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tiling.stitch: blend}: overlapping tiles whose probabilities are blended, on the real Landsat COG. */
class BlendStitchingTest {
    private static final int WIDTH = 627;
    private static final int HEIGHT = 603;
    @TempDir
    static Path shared;
    static Path registry;

    @BeforeAll
    static void registerModels() {
        registry = shared.resolve("models");
        TestModels.brightness(registry); // production: per pixel
        TestModels.boxFilter(registry, "box"); // a 9 x 9 window with zero padding at the tile's edge
    }

    static String yaml(String model, String tiling) {
        return """
                model: %s
                registry: %s
                output: runs
                tiling: %s
                scenes:
                  - {id: l8, file: %s}
                """.formatted(model, registry, tiling, SharedData.variant("l8_rgbn_cog.tif"));
    }

    private static RunSummary run(Path dir, String model, String tiling, int workers) throws Exception {
        return Runs.run(Runs.config(dir, yaml(model, tiling)), workers);
    }

    /** Bands 1..3 of a prediction COG: class, then percents of clear and cloud, {@code [band][y * WIDTH + x]}. */
    static float[][] bands(RunSummary run) throws Exception {
        float[] all = new float[3 * WIDTH * HEIGHT];
        try (RasterReader reader = RasterReader.open(run.runDir().resolve("predictions/l8.tif").toString())) {
            reader.read(new Window(0, 0, WIDTH, HEIGHT), new int[]{1, 2, 3}, all);
        }
        float[][] bands = new float[3][WIDTH * HEIGHT];
        for (int b = 0; b < 3; b++) {
            System.arraycopy(all, b * WIDTH * HEIGHT, bands[b], 0, WIDTH * HEIGHT);
        }
        return bands;
    }

    @Test
    void aPerPixelModelBlendsToExactlyTheCropAndTheWholeScenePrediction(@TempDir Path dir) throws Exception {
        RunSummary blend = run(dir.resolve("blend"), "production", "{size: 64, halo: 8, stitch: blend, overlap: 16}", 2);
        RunSummary crop = run(dir.resolve("crop"), "production", "{size: 64, halo: 8}", 2);
        RunSummary whole = run(dir.resolve("whole"), "production", "{size: 640, halo: 0}", 1);
        float[][] blended = bands(blend);
        for (int b = 0; b < 3; b++) {
            assertArrayEquals(bands(crop)[b], blended[b], "band " + (b + 1) + " as cropped");
            assertArrayEquals(bands(whole)[b], blended[b], "band " + (b + 1) + " as the whole scene");
        }
        Manifest manifest = Manifest.read(blend.manifest());
        assertEquals(new Manifest.Tiling(64, 8, "blend", 16), manifest.tiling());
        assertEquals(new Manifest.Tiling(64, 8, "crop", 0), Manifest.read(crop.manifest()).tiling());
        assertEquals(20 * 19, manifest.counts().done(), "a row per tile of 32 px cores");
        assertFalse(Files.exists(blend.runDir().resolve("chunks")), "the chunks go with the scene done");
        assertNotEquals(crop.runId(), blend.runId());
    }

    @Test
    void blendedPixelsAreTheWeightedMeanOfTheTilesPredictionsAndTheSeamsShrink(@TempDir Path dir) throws Exception {
        String blendTiling = "{size: 64, halo: 0, stitch: blend, overlap: 32}";
        RunSummary blend = run(dir.resolve("blend"), "box", blendTiling, 2);
        RunSummary crop = run(dir.resolve("crop"), "box", "{size: 64, halo: 0}", 2);
        float[][] blended = bands(blend);
        float[][] cropped = bands(crop);

        // The first two tiles of the top row, predicted here on their own: cores of 32 px, kept windows (0,0)-(48,48)
        // and (16,0)-(80,48), so columns 16..47 of rows 0..15 are theirs alone.
        PipelineConfig config = ConfigLoader.load(dir.resolve("blend/pipeline.yaml"));
        ModelVersion version = ModelRegistry.open(registry).resolve("box");
        RunSettings settings = RunSettings.of(config, version);
        Scene scene = SceneInspector.inspect(config.scenes().getFirst(), settings.expectations()).scene();
        TileGrid grid = settings.grid(WIDTH, HEIGHT);
        List<Tile> tiles = grid.tiles("l8");
        Tile left = tiles.get(0);
        Tile right = tiles.get(1);
        float[] pl;
        float[] pr;
        try (TileModel model = TileModel.load(version, new ModelOptions(1, ModelOptions.CPU));
             TileReader reader = new TileReader(scene, 64)) {
            pl = model.predict(reader.read(left).raw(), 1, 64, 64);
            pr = model.predict(reader.read(right).raw(), 1, 64, 64);
        }
        TileGrid.Weights wl = grid.weights(left);
        TileGrid.Weights wr = grid.weights(right);
        int compared = 0;
        int differingFromEither = 0;
        for (int y = 0; y < 16; y++) {
            for (int x = 16; x < 48; x++) {
                double a = wl.x()[x - left.kept().x()] * wl.y()[y - left.kept().y()];
                double b = wr.x()[x - right.kept().x()] * wr.y()[y - right.kept().y()];
                float[] p = new float[2];
                for (int k = 0; k < 2; k++) {
                    float l = pl[k * 64 * 64 + (y - left.input().y()) * 64 + x - left.input().x()];
                    float r = pr[k * 64 * 64 + (y - right.input().y()) * 64 + x - right.input().x()];
                    p[k] = (float) ((a * l + b * r) / (a + b));
                    assertEquals(percent(p[k]), blended[k + 1][y * WIDTH + x], "p_" + k + " at " + x + ", " + y);
                    differingFromEither += percent(l) != percent(p[k]) && percent(r) != percent(p[k]) ? 1 : 0;
                }
                assertEquals(p[1] > p[0] ? 1 : 0, blended[0][y * WIDTH + x], "class at " + x + ", " + y);
                compared++;
            }
        }
        assertEquals(32 * 16, compared);
        assertTrue(differingFromEither >= 10, "the strip mixes both tiles: " + differingFromEither);

        // Seams: how far the step from column x - 1 to x departs from the whole scene's prediction (one tile, no
        // tile edges inside), where cropped tiles meet (x = 64k) and anywhere across the blended tiles' shared
        // strips (x = 32k - 16 ... 32k + 16, the worst offset): the crop's seams stand out, the blend's are smaller.
        // (With no halo, the 4 px at each tile's edge that see the zero padding still count in the blend, with
        // weights of at most 3.5 / 32: a halo of the model's reach would leave them out altogether.)
        float[] whole = bands(run(dir.resolve("whole"), "box", "{size: 640, halo: 0}", 1))[2];
        double cropSeams = seam(cropped[2], whole, 64, 0);
        double cropInside = seam(cropped[2], whole, 64, 32);
        double blendSeams = 0;
        for (int offset = -16; offset <= 16; offset++) {
            blendSeams = Math.max(blendSeams, seam(blended[2], whole, 32, offset));
        }
        assertTrue(cropSeams > 0.5 && cropInside < cropSeams / 10, "crop seams " + cropSeams + ", inside tiles " + cropInside);
        double cropError = meanError(cropped[2], whole);
        double blendError = meanError(blended[2], whole);
        String measured = "worst seam: blend " + blendSeams + ", crop " + cropSeams + "; mean error off the whole "
                + "scene's prediction: blend " + blendError + ", crop " + cropError;
        assertTrue(blendSeams < 0.7 * cropSeams, measured);
        assertTrue(blendError < cropError / 2, measured);
    }

    /**
     * The mean absolute difference, in cloud percent, between a run's step from column x - 1 to x and the whole
     * scene's, for x = k * period + shift.
     */
    private static double seam(float[] band, float[] whole, int period, int shift) {
        double sum = 0;
        long count = 0;
        for (int x = period + shift; x < WIDTH; x += period) {
            for (int y = 0; y < HEIGHT; y++) {
                int i = y * WIDTH + x;
                sum += Math.abs((band[i] - band[i - 1]) - (whole[i] - whole[i - 1]));
                count++;
            }
        }
        return sum / count;
    }

    private static double meanError(float[] band, float[] whole) {
        double sum = 0;
        for (int i = 0; i < band.length; i++) {
            sum += Math.abs(band[i] - whole[i]);
        }
        return sum / band.length;
    }

    private static float percent(float p) {
        return (int) (Math.min(1f, Math.max(0f, p)) * 100f + 0.5d);
    }

    @Test
    void blendedOutputsAndRowsDoNotDependOnTheNumberOfWorkers(@TempDir Path dir) throws Exception {
        String tiling = "{size: 64, halo: 0, stitch: blend, overlap: 16, batch: 3}";
        RunSummary one = run(dir.resolve("one"), "box", tiling, 1);
        RunSummary four = run(dir.resolve("four"), "box", tiling, 4);
        assertEquals(one.runId(), four.runId());
        assertEquals(Hashing.sha256(one.runDir().resolve("predictions/l8.tif")),
                Hashing.sha256(four.runDir().resolve("predictions/l8.tif")));
        assertEquals(BatchRunnerTest.comparableRows(dir.resolve("one"), one.runId()),
                BatchRunnerTest.comparableRows(dir.resolve("four"), four.runId()));
    }

    @Test
    void anOverlapTooLargeForTheCardsTilesIsRefusedBeforeAnyTile(@TempDir Path dir) throws Exception {
        Path config = Runs.config(dir, yaml("production", "{stitch: blend, overlap: 40}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Runs.run(config, 1));
        assertTrue(e.getMessage().startsWith(config.toAbsolutePath() + ": tiling.overlap: is 40 with tiles of 64 px "
                + "and a halo of 0 (the model card's where the configuration sets none); expected at most 32"),
                e.getMessage());
    }
}
