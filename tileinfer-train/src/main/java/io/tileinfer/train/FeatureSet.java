package io.tileinfer.train;

/** What the linear classifier sees of a pixel's standardised bands z. */
public enum FeatureSet {
    /** z itself: a linear decision boundary in band space. */
    LINEAR,
    /** z and every product z_i * z_j (i <= j): a quadratic boundary, still one linear model to train. */
    QUADRATIC
}
