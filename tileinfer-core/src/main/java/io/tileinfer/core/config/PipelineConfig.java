package io.tileinfer.core.config;

import io.tileinfer.raster.ObjectStoreOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The batch configuration ({@code configs/pipeline.yaml}), with every relative path resolved against the
 * file's directory. {@code tileSize} and {@code halo} are null when the model card's recommendation applies.
 * With an {@code s3://} output, {@code outputUrl} is that URL and {@code outputDir} the local staging directory the
 * run works in before it uploads its outputs; otherwise {@code outputUrl} is null.
 */
public record PipelineConfig(
        Path file,
        String sha256,
        String model,
        Path registry,
        Path outputDir,
        String outputUrl,
        String storeUrl,
        ObjectStoreOptions objectStore,
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
        return new PipelineConfig(file, sha256, model, registry, outputDir, outputUrl, storeUrl, objectStore,
                tileSize, halo, batchSize, newWorkers, retries, crs, probabilities, skipChecks, scenes);
    }

    public PipelineConfig withModel(String newModel) {
        return new PipelineConfig(file, sha256, newModel, registry, outputDir, outputUrl, storeUrl, objectStore,
                tileSize, halo, batchSize, workers, retries, crs, probabilities, skipChecks, scenes);
    }

    /** Names the store of a deployment (e.g. its PostgreSQL) for configurations that name none. */
    public static final String STORE_URL_ENV = "TILEINFER_STORE_URL";

    /**
     * The store's JDBC URL: the configured one, else {@value #STORE_URL_ENV}, else the embedded SQLite database
     * beside the runs.
     */
    public String effectiveStoreUrl() {
        if (storeUrl != null) {
            return storeUrl;
        }
        String deployment = System.getenv(STORE_URL_ENV);
        if (deployment != null && !deployment.isBlank()) {
            return deployment.strip();
        }
        return "jdbc:sqlite:" + outputDir.resolve("results.db");
    }
}
