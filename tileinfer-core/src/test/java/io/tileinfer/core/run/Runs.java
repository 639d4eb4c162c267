package io.tileinfer.core.run;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.config.PipelineConfig;
import io.tileinfer.raster.RasterInfo;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.Window;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;

/**
 * Writes a configuration into a directory and runs it, as the CLI would: for the tests of this module and, through
 * core's test jar, of the modules that compare their runs with a local one (Spark, PostgreSQL, the API).
 */
public final class Runs {
    private Runs() {
    }

    public static Path config(Path dir, String yaml) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    public static RunSummary run(Path config, int workers) throws IOException {
        PipelineConfig pipeline = ConfigLoader.load(config).withWorkers(workers);
        return new BatchRunner(pipeline, new SimpleMeterRegistry(), new LogProgress(Duration.ofSeconds(30))).run();
    }

    /**
     * Starts {@link RunMain} on a configuration in a JVM of its own, for a test to signal or kill. Its output goes
     * to {@code log}; it runs in the log's directory, where a JVM crash would leave its hs_err file.
     */
    public static Process start(Path config, int workers, Path log) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RunMain.class.getName(), config.toString(), Integer.toString(workers))
                .directory(log.toAbsolutePath().getParent().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** A log's text for a failure message, or why it could not be read. */
    public static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Every band's pixels of a scene's prediction: what must match when run ids (in the metadata) differ. */
    public static float[] predictionPixels(RunSummary run, String sceneId) {
        try (RasterReader raster = RasterReader.open(run.runDir().resolve("predictions/" + sceneId + ".tif")
                .toString())) {
            RasterInfo info = raster.info();
            int[] bands = IntStream.rangeClosed(1, info.bandCount()).toArray();
            float[] pixels = new float[bands.length * info.width() * info.height()];
            raster.read(new Window(0, 0, info.width(), info.height()), bands, pixels);
            return pixels;
        }
    }
}
