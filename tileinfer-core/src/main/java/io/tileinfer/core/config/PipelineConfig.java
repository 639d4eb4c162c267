package io.tileinfer.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The batch configuration ({@code configs/pipeline.yaml}), with every relative path resolved against the
 * file's directory. {@code tileSize} and {@code halo} are null when the model card's recommendation applies.
 */
public record PipelineConfig(
        Path file,
        String sha256,
        String model,
        Path registry,
        Path outputDir,
        String storeUrl,
        Integer tileSize,
        Integer halo,
        int batchSize,
        int workers,
        int retries,
        String crs,
        boolean probabilities,
        Set<String> skipChecks,
        List<SceneSpec> scenes) {

    public PipelineConfig withWorkers(int newWorkers) {
        return new PipelineConfig(file, sha256, model, registry, outputDir, storeUrl, tileSize, halo, batchSize,
                newWorkers, retries, crs, probabilities, skipChecks, scenes);
    }

    public PipelineConfig withModel(String newModel) {
        return new PipelineConfig(file, sha256, newModel, registry, outputDir, storeUrl,
                tileSize, halo, batchSize, workers, retries, crs, probabilities, skipChecks, scenes);
    }

    /** The store's JDBC URL: the configured one, or the embedded SQLite database beside the runs. */
    public String effectiveStoreUrl() {
        return storeUrl != null ? storeUrl : "jdbc:sqlite:" + outputDir.resolve("results.db");
    }
}
