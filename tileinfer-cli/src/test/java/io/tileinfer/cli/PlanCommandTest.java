package io.tileinfer.cli;

import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `tileinfer plan`: what a run would still do. */
class PlanCommandTest {

    @Test
    void aFinishedRunHasNothingLeftToComputeOrRead(@TempDir Path dir) throws Exception {
        TestModels.brightness(dir.resolve("models"));
        Path config = Files.writeString(dir.resolve("pipeline.yaml"), """
                registry: models
                output: runs
                scenes:
                  - {id: l8, file: %s}
                """.formatted(SharedData.variant("l8_rgbn_cog.tif")));

        CommandOutput before = CommandOutput.run("plan", "--config", config.toString(), "--no-scan");
        assertEquals(0, before.exitCode(), before.err());
        assertTrue(before.out().contains("total: 182 tiles to compute, 5.3 MB to read"), before.out());

        assertEquals(0, CommandOutput.run("batch", "--config", config.toString()).exitCode());
        CommandOutput after = CommandOutput.run("plan", "--config", config.toString(), "--no-scan");
        assertEquals(0, after.exitCode(), after.err());
        assertTrue(after.out().contains("  bytes to read: 0.0 MB (decoded)"), after.out());
        assertTrue(after.out().contains("total: 0 tiles to compute, 0.0 MB to read"), after.out());
    }
}
