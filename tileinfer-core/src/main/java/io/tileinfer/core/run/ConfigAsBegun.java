package io.tileinfer.core.run;

import io.tileinfer.core.AtomicFiles;
import io.tileinfer.core.Hashing;
import io.tileinfer.core.config.PipelineConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration's text as the run began, kept in its run directory: a resume may be started from a text that
 * differs only where the run id does not look (a comment, the order of keys, {@code workers}), and every file of the
 * run (its rasters' metadata, STAC Items, row and manifest) then still names one configuration, the first.
 */
record ConfigAsBegun(String sha256, String text) {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigAsBegun.class);
    static final String FILE = "config.yaml";

    /** The text kept in {@code runDir}, or this attempt's, kept there now when there is none (the run's first). */
    static ConfigAsBegun keep(Path runDir, PipelineConfig config) throws IOException {
        Path copy = runDir.resolve(FILE);
        if (Files.isRegularFile(copy)) {
            byte[] bytes = Files.readAllBytes(copy);
            ConfigAsBegun began = new ConfigAsBegun(Hashing.sha256(bytes), new String(bytes, StandardCharsets.UTF_8));
            if (!began.sha256.equals(config.sha256())) {
                LOG.info("{} differs from the text the run began with, only where the run id does not look (comments, "
                        + "the order of keys, workers): the run's files name the first, {}", config.file(), copy);
            }
            return began;
        }
        byte[] bytes = Files.readAllBytes(config.file());
        AtomicFiles.write(copy, bytes);
        return new ConfigAsBegun(Hashing.sha256(bytes), new String(bytes, StandardCharsets.UTF_8));
    }
}
