package io.tileinfer.train;

/**
 * Per-pixel labels from the pre-collection Landsat 8 quality band (BQA): bits 14-15 are the cloud confidence
 * (00 not determined, 01 low, 10 medium, 11 high); medium or high is cloud. Bit 0 marks designated fill, which
 * has no label.
 */
final class CloudLabels {

    static final byte EXCLUDED = -1;
    static final byte CLEAR = 0;
    static final byte CLOUD = 1;

    private static final int FILL_BIT = 1;
    private static final int CONFIDENCE_SHIFT = 14;
    private static final int MEDIUM = 0b10;

    private CloudLabels() {
    }

    static byte fromQuality(int bqa) {
        if ((bqa & FILL_BIT) != 0) {
            return EXCLUDED;
        }
        return ((bqa >>> CONFIDENCE_SHIFT) & 0b11) >= MEDIUM ? CLOUD : CLEAR;
    }
}
