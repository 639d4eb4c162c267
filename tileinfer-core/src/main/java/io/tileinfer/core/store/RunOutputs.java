package io.tileinfer.core.store;

import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.raster.RemoteFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a finished run's outputs end up. A local output directory is where the run wrote them; with an
 * {@code s3://} output the run worked in a local staging directory (chunks, rasters, manifest, so that a resumed run
 * finds them) and its finished rasters, their quicklooks and the manifest are uploaded to {@code <output>/<run id>/},
 * the same layout (the manifest's paths are relative to it).
 */
public final class RunOutputs {
    private RunOutputs() {
    }

    /**
     * Uploads the run's rasters and quicklooks and then its manifest when the output is an {@code s3://} URL; a run
     * uploaded again (resumed) overwrites the same objects.
     *
     * @return where the manifest is: the local file, or its {@code s3://} URL
     */
    public static String publish(PipelineConfig config, Path runDir) throws IOException {
        Path manifest = runDir.resolve("manifest.json");
        if (config.outputUrl() == null) {
            return manifest.toString();
        }
        String target = config.outputUrl() + "/" + runDir.getFileName();
        for (Path prediction : predictions(runDir)) {
            RemoteFiles.upload(prediction, target + "/" + runDir.relativize(prediction));
        }
        // last: a manifest in the bucket means every file it lists is there
        RemoteFiles.upload(manifest, target + "/manifest.json");
        return target + "/manifest.json";
    }

    private static List<Path> predictions(Path runDir) throws IOException {
        Path dir = runDir.resolve("predictions");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tif")
                    || f.getFileName().toString().endsWith(".quicklook.png")).sorted().toList();
        }
    }
}
