package io.tileinfer.train;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CloudLabelsTest {

    @Test
    void cloudConfidenceMediumOrHighIsCloudAndFillIsExcluded() {
        assertEquals(CloudLabels.CLEAR, CloudLabels.fromQuality(0b01 << 14 | 1 << 5));   // low confidence
        assertEquals(CloudLabels.CLOUD, CloudLabels.fromQuality(0b10 << 14));            // medium
        assertEquals(CloudLabels.CLOUD, CloudLabels.fromQuality(0b11 << 14 | 0b11 << 12)); // high, with cirrus
        assertEquals(CloudLabels.CLEAR, CloudLabels.fromQuality(0));                     // not determined
        assertEquals(CloudLabels.EXCLUDED, CloudLabels.fromQuality(0b11 << 14 | 1));     // designated fill
    }

    @Test
    void spatialSplitHoldsOutWholeBlocks() {
        SpatialSplit split = SpatialSplit.seeded(627, 603, 64, 0.25, new SplittableRandom(42));

        assertEquals(100, split.blockCount());
        assertEquals(25, split.heldOutBlockCount());
        for (int pixel = 0; pixel < 627 * 603; pixel++) {
            int blockCorner = (pixel / 627 / 64 * 64) * 627 + pixel % 627 / 64 * 64;
            assertEquals(split.isHeldOut(blockCorner), split.isHeldOut(pixel));
        }
    }
}
