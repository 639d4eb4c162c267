package io.tileinfer.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class TileModelTest {

    /** logit_clear = x0 - x1, logit_cloud = 2 x1 + 0.5, with x = the scaled bands (0.5 r0 + 1, r1). */
    private static final byte[] MODEL = TinyOnnx.softmaxClassifier(new float[][]{{1, -1}, {0, 2}},
            new float[]{0, 0.5f});

    @Test
    void appliesTheCardScalingThenTheModel() {
        try (TileModel model = TileModel.load(MODEL, Cards.twoBandTwoClass(), ModelOptions.defaults())) {
            // two tiles of 1x2 pixels, band-sequential per tile
            float[] raw = {2, 4, /* B5 */ 1, 0, /* tile 2: B4 */ 0, 10, /* B5 */ -3, 0.25f};

            float[] probabilities = model.predict(raw, 2, 1, 2);

            float[] expected = new float[8];
            for (int tile = 0; tile < 2; tile++) {
                for (int pixel = 0; pixel < 2; pixel++) {
                    double x0 = raw[tile * 4 + pixel] * 0.5 + 1;
                    double x1 = raw[tile * 4 + 2 + pixel];
                    double clear = x0 - x1;
                    double cloud = 2 * x1 + 0.5;
                    double max = Math.max(clear, cloud);
                    double sum = Math.exp(clear - max) + Math.exp(cloud - max);
                    expected[tile * 4 + pixel] = (float) (Math.exp(clear - max) / sum);
                    expected[tile * 4 + 2 + pixel] = (float) (Math.exp(cloud - max) / sum);
                }
            }
            assertArrayEquals(expected, probabilities, 1e-6f);
            assertEquals(2, model.bandCount());
            assertEquals(2, model.classCount());
        }
    }

    @Test
    void isBitIdenticalRunToRunAndAcrossThreads() throws Exception {
        float[] raw = new float[3 * 2 * 64 * 64];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (i * 7919 % 1000) / 100f;
        }
        try (TileModel model = TileModel.load(MODEL, Cards.twoBandTwoClass(), ModelOptions.defaults())) {
            float[] first = model.predict(raw, 3, 64, 64);
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<float[]>> runs = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    runs.add(pool.submit(() -> model.predict(raw, 3, 64, 64)));
                }
                for (Future<float[]> run : runs) {
                    assertArrayEquals(first, run.get());
                }
            }
            // a smaller call after larger ones reuses the buffers without mixing old values in
            float[] part = new float[2 * 64 * 64];
            System.arraycopy(raw, 0, part, 0, part.length);
            float[] single = model.predict(part, 1, 64, 64);
            float[] firstTile = new float[single.length];
            System.arraycopy(first, 0, firstTile, 0, single.length);
            assertArrayEquals(firstTile, single);
        }
    }

    @Test
    void predictsThePrefixOfReusedBuffersAndLeavesTheRestAlone() {
        float[] raw = new float[3 * 2 * 16 * 16];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (i * 31 % 97) / 10f;
        }
        try (TileModel model = TileModel.load(MODEL, Cards.twoBandTwoClass(), ModelOptions.defaults())) {
            float[] twoTiles = new float[2 * 2 * 16 * 16];
            System.arraycopy(raw, 0, twoTiles, 0, twoTiles.length);
            float[] expected = model.predict(twoTiles, 2, 16, 16);

            float[] out = new float[3 * 2 * 16 * 16];
            java.util.Arrays.fill(out, -1f);
            model.predict(raw, 2, 16, 16, out); // the third tile of raw is not read

            assertArrayEquals(expected, java.util.Arrays.copyOf(out, expected.length));
            for (int i = expected.length; i < out.length; i++) {
                assertEquals(-1f, out[i], "written past the two tiles at " + i);
            }
            IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                    () -> model.predict(raw, 2, 16, 16, new float[expected.length - 1]));
            assertEquals("room for 1023 probabilities, fewer than the 1024 of 2 tiles x 2 classes x 16 x 16",
                    tooSmall.getMessage());
            IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                    () -> model.predict(raw, 4, 16, 16, new float[4 * 2 * 16 * 16]));
            assertEquals("raw holds 1536 values, fewer than the 2048 of 4 tiles x 2 bands x 16 x 16",
                    tooFew.getMessage());
        }
    }

    @Test
    void refusesInputOfTheWrongSize() {
        try (TileModel model = TileModel.load(MODEL, Cards.twoBandTwoClass(), ModelOptions.defaults())) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> model.predict(new float[10], 1, 2, 2));
            assertEquals("raw holds 10 values, expected 8 (1 tiles x 2 bands x 2 x 2)", error.getMessage());
        }
    }

    @Test
    void saysClearlyWhenCudaIsUnavailable() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this ORT build has CUDA");
        ModelException error = assertThrows(ModelException.class, () -> TileModel.load(MODEL,
                Cards.twoBandTwoClass(), new ModelOptions(1, "cuda")).close());
        assertTrue(error.getMessage().contains("execution provider cuda is not available"), error.getMessage());
    }

    @Test
    void refusesAModelThatDoesNotFitItsCard() {
        byte[] threeBands = TinyOnnx.softmaxClassifier(new float[][]{{1, 1, 1}, {0, 0, 0}}, new float[]{0, 0});
        ModelException error = assertThrows(ModelException.class,
                () -> TileModel.load(threeBands, Cards.twoBandTwoClass(), ModelOptions.defaults()).close());
        assertEquals("tiny: input 'input' [-1, 3, -1, -1] has 3 channels, expected 2 (the card's bands [B4, B5])",
                error.getMessage());
    }
}
