package io.tileinfer.core.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a finished run prints on stdout, the same words whichever runner ran it ({@code tileinfer batch} or the
 * Spark job): the run's status and counts, a line per scene (its raster and the files beside it, or FAILED and
 * why), {@code manifest: PATH} (the Airflow DAG reads that line), and where an {@code s3://} output was uploaded.
 */
public final class RunReport {

    private RunReport() {
    }

    public static List<String> lines(RunSummary summary) throws IOException {
        Manifest manifest = Manifest.read(summary.manifest());
        Manifest.Counts counts = summary.counts();
        List<String> lines = new ArrayList<>();
        lines.add(String.format("run %s %s: %d tiles done, %d skipped as nodata, %d failed; %d of %d scenes failed",
                summary.runId(), manifest.status(), counts.done(), counts.skipped(), counts.failed(),
                counts.scenesFailed(), counts.scenes()));
        for (Manifest.SceneEntry scene : manifest.scenes()) {
            if (scene.output() != null) {
                Path raster = summary.runDir().resolve(scene.output().path());
                lines.add(String.format("  %s: %s%s", scene.id(), raster, besides(scene)));
            } else {
                // refused at validation, or of nodata alone: its issues say why
                boolean tilesFailed = scene.tiles() != null && scene.tiles().failed() > 0;
                lines.add(String.format("  %s: FAILED%s", scene.id(), !tilesFailed ? ""
                        : " (all " + scene.tiles().failed() + " tiles failed; `tileinfer runs show " + summary.runId()
                        + "`, with the run's --store, says why)"));
                scene.issues().forEach(issue -> lines.add("    " + issue));
            }
        }
        lines.add("manifest: " + summary.manifest()); // the local file, which the Airflow DAG reads
        if (summary.uploadedTo() != null) {
            lines.add("uploaded to: " + summary.uploadedTo() + "/ (the files the manifest lists, and the manifest)");
        }
        return lines;
    }

    /** The files written beside a scene's raster, by name: " (quicklook: X, STAC item: Y)", or "" when none. */
    private static String besides(Manifest.SceneEntry scene) {
        List<String> files = new ArrayList<>();
        if (scene.quicklook() != null) {
            files.add("quicklook: " + Path.of(scene.quicklook().path()).getFileName());
        }
        if (scene.stacItem() != null) {
            files.add("STAC item: " + Path.of(scene.stacItem().path()).getFileName());
        }
        return files.isEmpty() ? "" : " (" + String.join(", ", files) + ")";
    }
}
