package io.tileinfer.api;

import java.util.Arrays;

/**
 * The shape of an input tensor checked against the model and the limits: N tiles of {@code bands x height x width},
 * each run as a square tile of {@code size} pixels (see {@link TensorTiles}).
 */
record TensorShape(int n, int bands, int height, int width, int size) {

    /** @throws ApiException 422 naming the field when the tensor does not fit the model or the limits */
    static TensorShape check(InferRequest.Tensor input, ApiContext context) {
        ServedModel served = context.served();
        int bands = served.model().bandCount();
        if (!input.name().equals(OpenInference.INPUT)) {
            throw ApiException.unprocessable("inputs[0].name: found \"" + input.name() + "\", expected \""
                    + OpenInference.INPUT + "\" (the model's input)");
        }
        long[] shape = input.shape();
        String expected = "[N, " + bands + ", H, W]: N tiles of the " + bands + " bands "
                + served.card().bandNames();
        if (shape.length != 4 || shape[1] != bands) {
            throw ApiException.unprocessable("inputs[0].shape: found " + Arrays.toString(shape) + ", expected "
                    + expected);
        }
        int maxSide = context.settings().maxTileSide();
        int fixedSide = served.fixedSide();
        int limit = fixedSide > 0 ? Math.min(fixedSide, maxSide) : maxSide;
        if (shape[2] > limit || shape[3] > limit) {
            throw ApiException.unprocessable("inputs[0].shape: found " + Arrays.toString(shape) + ", expected H and W"
                    + " of at most " + limit + " pixels (" + (limit == fixedSide ? "the model's input size"
                    : "the server's --max-tile-side") + ")");
        }
        int height = (int) shape[2];
        int width = (int) shape[3];
        int size = Math.max(fixedSide, Math.max(height, width));
        // One request may hold at most the pixels of one maximal tile, so that a worker's memory stays bounded.
        if (shape[0] * size * size > (long) maxSide * maxSide) {
            // a tile runs as a square of its larger side: that is what the limit counts
            throw ApiException.unprocessable("inputs[0].shape: found " + Arrays.toString(shape) + ": " + shape[0]
                    + " tiles of " + height + " x " + width + " pixels, each run as a square of " + size + " x " + size
                    + ", expected at most " + maxSide + " x " + maxSide + " pixels in all (the server's "
                    + "--max-tile-side)");
        }
        return new TensorShape((int) shape[0], bands, height, width, size);
    }
}
