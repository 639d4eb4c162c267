package io.tileinfer.train;

import java.util.SplittableRandom;

/**
 * Splits a scene into square blocks and holds a seeded selection of them out for evaluation. Neighbouring
 * pixels are alike, so evaluating on random pixels would mostly measure memory of the training pixels beside
 * them; whole held-out blocks measure how the model does on ground it has not seen.
 */
record SpatialSplit(int width, int height, int blockSize, boolean[] heldOutBlocks) {

    static SpatialSplit seeded(int width, int height, int blockSize, double heldOutFraction,
                               SplittableRandom random) {
        int blocks = blocksAcross(width, blockSize) * blocksAcross(height, blockSize);
        int heldOut = (int) Math.round(blocks * heldOutFraction);
        // A partial Fisher-Yates shuffle: the first heldOut positions are a uniform seeded sample of blocks.
        int[] order = new int[blocks];
        for (int i = 0; i < blocks; i++) {
            order[i] = i;
        }
        boolean[] chosen = new boolean[blocks];
        for (int i = 0; i < heldOut; i++) {
            int j = i + random.nextInt(blocks - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
            chosen[order[i]] = true;
        }
        return new SpatialSplit(width, height, blockSize, chosen);
    }

    boolean isHeldOut(int pixel) {
        int column = (pixel % width) / blockSize;
        int row = (pixel / width) / blockSize;
        return heldOutBlocks[row * blocksAcross(width, blockSize) + column];
    }

    int blockCount() {
        return heldOutBlocks.length;
    }

    int heldOutBlockCount() {
        int count = 0;
        for (boolean heldOut : heldOutBlocks) {
            count += heldOut ? 1 : 0;
        }
        return count;
    }

    private static int blocksAcross(int pixels, int blockSize) {
        return (pixels + blockSize - 1) / blockSize;
    }
}
