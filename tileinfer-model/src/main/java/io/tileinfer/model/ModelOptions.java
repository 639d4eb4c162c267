package io.tileinfer.model;

import java.util.Set;

/**
 * How to run a model. {@code intraOpThreads} is ONNX Runtime's thread count per inference call (1 gives
 * bit-identical results run to run and suits one worker per core); {@code executionProvider} is "cpu" or
 * "cuda".
 */
public record ModelOptions(int intraOpThreads, String executionProvider) {

    public static final String CPU = "cpu";
    public static final String CUDA = "cuda";

    public ModelOptions {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, found " + intraOpThreads);
        }
        executionProvider = executionProvider == null ? CPU : executionProvider;
        if (!Set.of(CPU, CUDA).contains(executionProvider)) {
            throw new IllegalArgumentException("execution provider must be cpu or cuda, found "
                    + executionProvider);
        }
    }

    /** One thread on the CPU. */
    public static ModelOptions defaults() {
        return new ModelOptions(1, CPU);
    }
}
