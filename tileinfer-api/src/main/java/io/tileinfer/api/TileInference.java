package io.tileinfer.api;

import io.micrometer.core.instrument.Timer;
import io.tileinfer.core.output.Postprocessor;
import io.tileinfer.core.output.TilePrediction;
import io.tileinfer.core.tile.TileData;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.model.InputScaling;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one tile through the batch's steps after reading: the model (with the card's scaling) on the whole tile,
 * then {@link Postprocessor#crop} to the class map and percent probabilities, with 255 where the input is nodata.
 * A tile without a valid pixel skips the model, as batch skips it.
 */
final class TileInference {

    /** The input, its cropped prediction and the model's probabilities {@code [K][size][size]} (null when skipped). */
    record Result(TileData input, TilePrediction prediction, float[] probabilities) {

        /** Share of the valid pixels per class name, as batch records per tile. */
        Map<String, Double> classFractions(List<ClassSpec> classes) {
            Map<String, Double> fractions = new LinkedHashMap<>();
            long valid = prediction.validPixels();
            for (int k = 0; k < classes.size(); k++) {
                fractions.put(classes.get(k).name(), valid == 0 ? 0.0 : (double) prediction.classCounts()[k] / valid);
            }
            return fractions;
        }
    }

    private final ServedModel served;
    private final Timer inferenceTime;

    TileInference(ServedModel served, Timer inferenceTime) {
        this.served = served;
        this.inferenceTime = inferenceTime;
    }

    /**
     * {@code data} holds one tile of {@code size x size} pixels in the card's band order; {@code scaling} is the
     * card's for the tile's scene ({@link io.tileinfer.model.TileModel#scaling(Double)}).
     */
    Result infer(TileData data, int size, InputScaling scaling) {
        Postprocessor postprocessor = new Postprocessor(served.model().classCount(), size, true);
        if (data.empty()) {
            // Every pixel is invalid, so crop() never reads the probabilities: it writes 255 everywhere.
            float[] unused = new float[served.model().classCount() * size * size];
            return new Result(data, postprocessor.crop(data, unused, 0), null);
        }
        long start = System.nanoTime();
        float[] probabilities = new float[served.model().classCount() * size * size];
        served.model().predict(scaling, data.raw(), 1, size, size, probabilities);
        inferenceTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        String nonFinite = postprocessor.firstNonFinite(probabilities, 0);
        if (nonFinite != null) { // a 500 rather than a class map and fractions made from it
            throw new ApiException(500, "model_output", "the model gave a probability of " + nonFinite + " of tile "
                    + data.tile().index() + " of the request, expected a finite number: no class map or fractions are "
                    + "given from it (input SHA-256 " + data.inputSha256() + ")");
        }
        return new Result(data, postprocessor.crop(data, probabilities, 0), probabilities);
    }
}
