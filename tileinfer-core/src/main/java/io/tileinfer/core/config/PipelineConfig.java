package io.tileinfer.core.config;

import io.tileinfer.core.store.ResultStores;
import io.tileinfer.core.store.StoreUrls;
import io.tileinfer.raster.Crs;
import io.tileinfer.raster.ObjectStoreOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The batch configuration ({@code configs/pipeline.yaml}), with every relative path resolved against the
 * file's directory. {@code tileSize} and {@code halo} are null when the model card's recommendation applies, and
 * {@code crs} when scenes may be in any CRS. {@code overlap} is 0 unless {@code stitch} is {@link Stitching#BLEND}.
 * {@code sha256} is the file's as read, and within a run the text's the run began with ({@link #withSha256}), as the
 * manifest records it; {@code contentSha256} is that of what it says (below).
 * With an {@code s3://} output, {@code outputUrl} is that URL and {@code outputDir} the local staging directory the
 * run works in before it uploads its outputs; otherwise {@code outputUrl} is null.
 */
public record PipelineConfig(
        Path file,
        String sha256,
        String contentSha256,
        String model,
        Path registry,
        Path outputDir,
        String outputUrl,
        String storeUrl,
        ObjectStoreOptions objectStore,
        Integer tileSize,
        Integer halo,
        Stitching stitch,
        int overlap,
        int batchSize,
        int workers,
        int retries,
        Crs crs,
        boolean probabilities,
        Set<String> skipChecks,
        List<SceneSpec> scenes) {

    /** The most worker threads a run takes, from the configuration or the command line. */
    public static final int MAX_WORKERS = 256;

    public PipelineConfig withWorkers(int newWorkers) {
        return new PipelineConfig(file, sha256, contentSha256, model, registry, outputDir, outputUrl, storeUrl, objectStore,
                tileSize, halo, stitch, overlap, batchSize, newWorkers, retries, crs, probabilities, skipChecks, scenes);
    }

    /** The configuration with another text's SHA-256: the one its run began with, when resumed from an edited one. */
    public PipelineConfig withSha256(String newSha256) {
        return new PipelineConfig(file, newSha256, contentSha256, model, registry, outputDir, outputUrl, storeUrl,
                objectStore, tileSize, halo, stitch, overlap, batchSize, workers, retries, crs, probabilities,
                skipChecks, scenes);
    }

    public PipelineConfig withModel(String newModel) {
        return new PipelineConfig(file, sha256, contentSha256, newModel, registry, outputDir, outputUrl, storeUrl, objectStore,
                tileSize, halo, stitch, overlap, batchSize, workers, retries, crs, probabilities, skipChecks, scenes);
    }

    /** The store's JDBC URL: the configured one, else the deployment's, else the SQLite database beside the runs. */
    public String effectiveStoreUrl() {
        return StoreUrls.effective(storeUrl, outputDir);
    }

    /**
     * {@link #effectiveStoreUrl()}, checked before anything runs: a URL that no module on the class path serves is
     * refused, naming where it was set (this file's {@code store.url}, or the deployment's {@value StoreUrls#ENV}).
     */
    public String servedStoreUrl() {
        String url = effectiveStoreUrl();
        if (ResultStores.provider(url).isEmpty()) {
            throw new ConfigException(storeSetting() + ": " + StoreUrls.redact(url) + ": " + ResultStores.noStore());
        }
        if (StoreUrls.keepsNothing(url)) { // store.url is refused when the file loads; this is the variable's
            throw new ConfigException(storeSetting() + ": " + StoreUrls.redact(url) + ": " + StoreUrls.KEEPS_NOTHING
                    + ", expected " + StoreUrls.EXPECTED_KEPT);
        }
        return url;
    }

    /** Where the store's URL came from, as a message names it: the configuration's key, or the variable. */
    public String storeSetting() {
        if (storeUrl != null) {
            return file + ": store.url";
        }
        String deployment = System.getenv(StoreUrls.ENV);
        return deployment != null && !deployment.isBlank() ? StoreUrls.ENV
                : "the default, results.db in the output directory";
    }
}
