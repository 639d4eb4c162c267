package io.tileinfer.core.output;

import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileData;
import io.tileinfer.core.tile.TileGrid;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PostprocessorTest {
    private static final int SIZE = 64;

    /**
     * The crop against its definition, pixel by pixel: argmax with ties to the lower class, percents as
     * Math.round(100 * p clamped to [0, 1]), nodata (255) in every band where the input was invalid, and the
     * class counts over the valid core; with and without a halo, two and three classes, all valid or not, an inner
     * tile and the last (at the bottom edge, cut short), percents kept or not.
     */
    @ParameterizedTest
    @CsvSource({"2, 0, true, true, true", "2, 0, false, true, true", "2, 8, true, true, true",
            "2, 8, false, true, true", "3, 0, true, true, true", "3, 8, false, true, true",
            "2, 0, true, false, true", "2, 0, false, false, true", "2, 8, false, false, true",
            "3, 0, false, false, true", "2, 0, true, true, false", "3, 8, false, false, false"})
    void theCropIsArgmaxAndRoundedPercentsWithNodataWhereTheInputWasInvalid(int classes, int halo, boolean allValid,
                                                                           boolean inner, boolean keep) {
        Random random = new Random(classes * 31L + halo);
        List<Tile> tiles = new TileGrid(4 * SIZE, 4 * SIZE - 10, SIZE, halo).tiles("s");
        Tile tile = inner ? tiles.stream().filter(t -> t.core().x() <= SIZE + 1 && SIZE + 1 < t.core().x()
                + t.core().width() && t.core().y() <= SIZE + 1 && SIZE + 1 < t.core().y() + t.core().height())
                .findFirst().orElseThrow() : tiles.getLast();
        int plane = SIZE * SIZE;
        float[] probabilities = new float[3 + classes * plane]; // from an offset, as in a batch
        for (int i = 3; i < probabilities.length; i++) {
            // ties, the rounding's halves, and values outside [0, 1] among random ones
            probabilities[i] = switch (random.nextInt(6)) {
                case 0 -> 0.5f;
                case 1 -> 0.125f;
                case 2 -> random.nextFloat() * 1.2f - 0.1f;
                default -> random.nextFloat();
            };
        }
        boolean[] valid = new boolean[plane];
        int validCore = 0;
        for (int i = 0; i < plane; i++) {
            valid[i] = allValid || random.nextInt(10) > 0;
        }
        int x0 = tile.core().x() - tile.input().x();
        int y0 = tile.core().y() - tile.input().y();
        int width = tile.core().width();
        int height = tile.core().height();
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                validCore += valid[(y0 + r) * SIZE + x0 + c] ? 1 : 0;
            }
        }
        TileData data = new TileData(tile, null, valid, validCore, "sha");

        TilePrediction prediction = new Postprocessor(classes, SIZE, keep).crop(data, probabilities, 3);

        byte[][] expected = new byte[keep ? classes + 1 : 1][width * height];
        long[] counts = new long[classes];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int pixel = (y0 + r) * SIZE + x0 + c;
                int out = r * width + c;
                if (!valid[pixel]) {
                    for (byte[] band : expected) {
                        band[out] = (byte) 255;
                    }
                    continue;
                }
                int best = 0;
                for (int k = 1; k < classes; k++) {
                    if (probabilities[3 + k * plane + pixel] > probabilities[3 + best * plane + pixel]) {
                        best = k;
                    }
                }
                expected[0][out] = (byte) best;
                counts[best]++;
                for (int k = 0; keep && k < classes; k++) {
                    float p = Math.min(1f, Math.max(0f, probabilities[3 + k * plane + pixel]));
                    expected[k + 1][out] = (byte) Math.round(p * 100f);
                }
            }
        }
        assertEquals(expected.length, prediction.bands().length);
        for (int b = 0; b < expected.length; b++) {
            assertArrayEquals(expected[b], prediction.bands()[b], "band " + b);
        }
        assertArrayEquals(counts, prediction.classCounts());
    }

    @ParameterizedTest
    @CsvSource({"NaN, 1, 3, 5, true", "Infinity, 0, 63, 63, true", "-Infinity, 1, 0, 0, true",
            "NaN, 0, 0, 0, false", "Infinity, 1, 63, 63, false", "-Infinity, 0, 17, 40, false"})
    void aNonFiniteProbabilityIsFoundWithItsClassAndPixel(float value, int k, int x, int y, boolean later) {
        int plane = SIZE * SIZE;
        float[] probabilities = new float[7 + 2 * plane];
        java.util.Arrays.fill(probabilities, 0.5f);
        Postprocessor postprocessor = new Postprocessor(2, SIZE, true);
        assertNull(postprocessor.firstNonFinite(probabilities, 7));
        probabilities[7 + k * plane + y * SIZE + x] = value;
        if (later && !(k == 1 && x == SIZE - 1 && y == SIZE - 1)) {
            probabilities[7 + 2 * plane - 1] = Float.NaN; // a later one is not the first
        }
        assertEquals(value + " for class " + k + " at pixel (" + x + ", " + y + ")",
                postprocessor.firstNonFinite(probabilities, 7));
    }
}
