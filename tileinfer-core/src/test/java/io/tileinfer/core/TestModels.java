package io.tileinfer.core;

import io.tileinfer.model.BandSpec;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.model.TinyOnnx;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Small real ONNX models over Landsat 8 B2..B5, registered. The per-pixel ones have a halo of 0 on their cards: a
 * card's halo is the model's reach, below which batch refuses to crop.
 */
public final class TestModels {
    private TestModels() {
    }

    /** The per-pixel "bright pixel" model, promoted to production. */
    public static ModelVersion brightness(Path registryDir) {
        ModelCard card = fourBandCard("bright-test", 2e-5, -0.1, 0, null);
        // cloud when the mean reflectance of the four bands exceeds 0.2
        byte[] onnx = TinyOnnx.softmaxClassifier(new float[][]{{0, 0, 0, 0}, {2.5f, 2.5f, 2.5f, 2.5f}}, new float[]{0, -2});
        ModelRegistry registry = ModelRegistry.open(registryDir);
        ModelVersion version = registry.register(onnx, card);
        registry.promote(version.id(), "production");
        return version;
    }

    /**
     * The brightness model with Landsat Level-1's designated fill on its card (every band's 0 is no data), as the
     * trainer writes it. Named by {@code alias}.
     */
    public static ModelVersion brightnessOverFill(Path registryDir, String alias) {
        ModelCard card = fourBandCard("bright-fill-test", 2e-5, -0.1, 0, 0.0);
        byte[] onnx = TinyOnnx.softmaxClassifier(new float[][]{{0, 0, 0, 0}, {2.5f, 2.5f, 2.5f, 2.5f}}, new float[]{0, -2});
        ModelRegistry registry = ModelRegistry.open(registryDir);
        ModelVersion version = registry.register(onnx, card);
        registry.promote(version.id(), alias);
        return version;
    }

    /**
     * A model over raw band values (scale 1) whose logits of real pixels overflow to infinity (weights of 1e35), so
     * that its softmax gives NaN; the import check's inputs are below 1, so it is registered. Named by {@code alias}.
     */
    public static ModelVersion overflowing(Path registryDir, String alias) {
        ModelCard card = fourBandCard("overflow-test", 1, 0, 0, null);
        byte[] onnx = TinyOnnx.softmaxClassifier(new float[][]{{0, 0, 0, 0}, {1e35f, 1e35f, 1e35f, 1e35f}},
                new float[]{0, 0});
        ModelRegistry registry = ModelRegistry.open(registryDir);
        ModelVersion version = registry.register(onnx, card);
        registry.promote(version.id(), alias);
        return version;
    }

    /**
     * A model with spatial context: the brightness rule over the mean of each band in a 9 x 9 window, with zero
     * padding at the tile's edge, and no halo on its card (below its reach of 4), so that cropped tiles show seams.
     * Named by {@code alias}.
     */
    public static ModelVersion boxFilter(Path registryDir, String alias) {
        return boxFilter(registryDir, alias, 0);
    }

    /** The 9 x 9 box-filter model with {@code cardHalo} on its card: 4 is its true reach. */
    public static ModelVersion boxFilter(Path registryDir, String alias, int cardHalo) {
        ModelCard card = fourBandCard("box-test", 2e-5, -0.1, cardHalo, null);
        byte[] onnx = TinyOnnx.boxFilterSoftmax(new float[][]{{0, 0, 0, 0}, {2.5f, 2.5f, 2.5f, 2.5f}},
                new float[]{0, -2}, 9);
        ModelRegistry registry = ModelRegistry.open(registryDir);
        ModelVersion version = registry.register(onnx, card);
        registry.promote(version.id(), alias);
        return version;
    }

    /**
     * The brightness model exported with a fixed input height and width of {@code side} ({@code mlm:input} shape
     * {@code [-1, 4, side, side]}), which is its card's tile size; halo 0. Named by {@code alias}.
     */
    public static ModelVersion fixedSide(Path registryDir, String alias, int side) {
        ModelCard card = fourBandCard("fixed-test", 2e-5, -0.1, side, side, 0, null);
        byte[] onnx = TinyOnnx.fixedSideClassifier(new float[][]{{0, 0, 0, 0}, {2.5f, 2.5f, 2.5f, 2.5f}},
                new float[]{0, -2}, side);
        ModelRegistry registry = ModelRegistry.open(registryDir);
        ModelVersion version = registry.register(onnx, card);
        registry.promote(version.id(), alias);
        return version;
    }

    /**
     * A brightness rule over reflectance corrected for the sun angle: each band's card scaling is
     * {@code (A * 2e-5 - 0.1) / sin(sun elevation)} (Landsat Level-1 TOA reflectance), and a pixel is cloud when the
     * mean of the four exceeds 0.15, which lies among the Landsat sample's values: the sun's elevation decides the
     * class of many of its pixels (of the sample COG's, 10 % are cloud at 90 degrees, 18 % at 65, 45 % at 45, 90 % at
     * 30). Halo 0. Named by {@code alias}.
     */
    public static ModelVersion sunCorrected(Path registryDir, String alias) {
        ModelCard card = fourBandCard("sun-test", 2e-5, -0.1, 64, -1, 0, null, true);
        byte[] onnx = TinyOnnx.softmaxClassifier(new float[][]{{0, 0, 0, 0}, {2.5f, 2.5f, 2.5f, 2.5f}},
                new float[]{0, -1.5f});
        ModelRegistry registry = ModelRegistry.open(registryDir);
        ModelVersion version = registry.register(onnx, card);
        registry.promote(version.id(), alias);
        return version;
    }

    /**
     * The card of a two-class (clear, cloud) model of the Landsat sample's B2-B5, each band scaled as
     * {@code A * scale + offset}, with 64 px tiles of any size, {@code halo} and each band's {@code nodata} (may be
     * null).
     */
    private static ModelCard fourBandCard(String name, double scale, double offset, int halo, Double nodata) {
        return fourBandCard(name, scale, offset, 64, -1, halo, nodata);
    }

    /** As above, with tiles of {@code tileSize} and an input height and width of {@code side} (-1: any). */
    private static ModelCard fourBandCard(String name, double scale, double offset, int tileSize, long side,
                                          int halo, Double nodata) {
        return fourBandCard(name, scale, offset, tileSize, side, halo, nodata, false);
    }

    /** As above, each band's scaled value divided by the sine of the sun's elevation when {@code sunCorrected}. */
    private static ModelCard fourBandCard(String name, double scale, double offset, int tileSize, long side,
                                          int halo, Double nodata, boolean sunCorrected) {
        List<BandSpec> bands = List.of(new BandSpec("B2", "blue", scale, offset, nodata, sunCorrected),
                new BandSpec("B3", "green", scale, offset, nodata, sunCorrected),
                new BandSpec("B4", "red", scale, offset, nodata, sunCorrected),
                new BandSpec("B5", "nir08", scale, offset, nodata, sunCorrected));
        return new ModelCard(name, null, List.of("semantic-segmentation"), "onnxruntime", "1.29.0", bands, "uint16",
                List.of(-1L, 4L, side, side),
                List.of(new ClassSpec(0, "clear", "#2ca02c"), new ClassSpec(1, "cloud", "#ffffff")), tileSize, halo,
                List.of(), 1, Map.of(), Map.of(), Map.of());
    }
}
