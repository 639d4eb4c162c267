package io.tileinfer.core.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tileinfer.core.Hashing;
import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.raster.RasterReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run resumed from a configuration edited where the run id does not look (a comment, {@code workers}): every file
 * of the run names one configuration, the text it began with, whichever attempt wrote the file.
 */
class EditedConfigTest {
    @TempDir
    static Path shared;

    @Test
    void everyFileOfTheRunNamesTheConfigurationItBeganWith(@TempDir Path dir) throws Exception {
        Path registry = shared.resolve("models");
        TestModels.brightness(registry);
        // the cut scene stays PARTIAL, so the resume writes its raster again; l8 is kept as it was
        Path cut = SharedData.cutAtThreeQuarters(dir.resolve("cut.tif"));
        String yaml = """
                model: production
                registry: %s
                output: runs
                tiling: {size: 256, halo: 0}
                retries: 0
                workers: 1
                checks: {skip: [integrity]}
                scenes:
                  - {id: l8, file: %s}
                  - {id: cut, file: %s}
                """.formatted(registry, SharedData.variant("l8_rgbn_cog.tif"), cut);
        Path config = Runs.config(dir, yaml);
        String began = Hashing.sha256(config);
        RunSummary first = Runs.run(config, 1);

        Files.writeString(config, yaml.replace("workers: 1", "workers: 2") + "# resumed after a look at the logs\n");
        assertNotEquals(began, Hashing.sha256(config));
        RunSummary again = Runs.run(config, 2);
        assertEquals(first.runId(), again.runId(), "the same run");

        Manifest manifest = Manifest.read(again.manifest());
        assertEquals(began, manifest.config().sha256());
        assertEquals(yaml, manifest.config().text());
        assertEquals("PARTIAL", manifest.scenes().get(1).status(), "written again by the resume");
        for (String scene : new String[]{"l8", "cut"}) {
            try (RasterReader raster = RasterReader.open(again.runDir().resolve("predictions/" + scene + ".tif")
                    .toString())) {
                assertEquals(began, raster.info().metadata().get("TILEINFER_CONFIG_SHA256"), scene);
            }
            assertEquals(began, new ObjectMapper().readTree(again.runDir().resolve("predictions/" + scene + ".json")
                    .toFile()).at("/properties/tileinfer:config_sha256").asText(), scene);
        }
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"))) {
            assertEquals(began, store.run(again.runId()).orElseThrow().configSha256());
        }
    }
}
