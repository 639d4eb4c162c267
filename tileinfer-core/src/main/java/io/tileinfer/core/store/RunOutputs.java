package io.tileinfer.core.store;

import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.raster.RemoteFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a finished run's outputs end up. A local output directory is where the run wrote them; with an
 * {@code s3://} output the run worked in a local staging directory (scratch rasters, rasters, manifest, so that a
 * resumed run finds them), and the files its manifest lists (rasters, quicklooks) and the manifest are uploaded to
 * {@code <output>/<run id>/}, the same layout (the manifest's paths are relative to it).
 */
public final class RunOutputs {
    private RunOutputs() {
    }

    /**
     * Uploads the files the manifest lists and then the manifest itself when the output is an {@code s3://} URL; a
     * run uploaded again (resumed) overwrites the same objects. Other files of the staging directory (a stale raster
     * of an earlier attempt, the scratch rasters) are not uploaded.
     *
     * @param outputs the manifest's outputs, as paths relative to {@code runDir}
     * @return where the manifest is: the local file, or its {@code s3://} URL
     */
    public static String publish(PipelineConfig config, Path runDir, List<String> outputs) throws IOException {
        Path manifest = runDir.resolve("manifest.json");
        if (config.outputUrl() == null) {
            return manifest.toString();
        }
        String target = uploadedTo(config, runDir);
        for (String output : outputs) {
            RemoteFiles.upload(runDir.resolve(output), target + "/" + output);
        }
        // last: a manifest in the bucket means every file it lists is there
        RemoteFiles.upload(manifest, target + "/manifest.json");
        return target + "/manifest.json";
    }

    /** Where the run's outputs are uploaded to, {@code <output>/<run id>} on S3; null when they stay in runDir. */
    public static String uploadedTo(PipelineConfig config, Path runDir) {
        return config.outputUrl() == null ? null : config.outputUrl() + "/" + runDir.getFileName();
    }
}
