package io.tileinfer.cli;

import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.RunRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `tileinfer runs`: the store's runs at a terminal, read only. */
class RunsCommandTest {

    @Test
    void listsAndShowsTheRunsOfAStoreAndAnInterruptedOneAsSuch(@TempDir Path dir) throws Exception {
        TestModels.brightness(dir.resolve("models"));
        Path config = Files.writeString(dir.resolve("pipeline.yaml"), """
                registry: models
                output: runs
                scenes:
                  - {id: l8, file: %s}
                """.formatted(SharedData.variant("l8_rgbn_cog.tif")));
        assertEquals(0, CommandOutput.run("batch", "--config", config.toString()).exitCode());
        String store = "jdbc:sqlite:" + dir.resolve("runs/results.db");
        Instant silentSince = Instant.now().minus(RunRecord.SILENT_AFTER).minus(1, ChronoUnit.MINUTES);
        try (JdbcResultStore results = JdbcResultStore.open(store)) { // as a SIGKILLed process leaves its row
            results.saveRun(new RunRecord("killed", "other.yaml", "sha", "m-1", silentSince.minusSeconds(60), null,
                    "running", null, silentSince));
        }

        CommandOutput list = CommandOutput.run("runs", "list", "--store", store);
        assertEquals(0, list.exitCode(), list.err());
        String runId = list.out().lines().filter(l -> l.startsWith("pipeline-")).findFirst().orElseThrow()
                .split(" ")[0];
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(runId) && l.contains(" succeeded ")
                && l.matches(".* 100 +0 +0  bright-test-.*")), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("killed ") && l.contains(" interrupted ")),
                list.out());

        CommandOutput show = CommandOutput.run("runs", "show", runId, "--store", store);
        assertEquals(0, show.exitCode(), show.err());
        assertTrue(show.out().contains("status:        succeeded\n"), show.out());
        assertTrue(show.out().contains("tiles:         100 done, 0 skipped as nodata, 0 failed"), show.out());
        assertTrue(show.out().contains("scene l8: DONE, 100 tiles -> "), show.out());
        CommandOutput killed = CommandOutput.run("runs", "show", "killed", "--store", store);
        assertTrue(killed.out().contains("status:        interrupted (its process stopped"), killed.out());

        CommandOutput unknown = CommandOutput.run("runs", "show", "nope", "--store", store);
        assertEquals(2, unknown.exitCode());
        assertEquals("tileinfer: no run nope in the store; `tileinfer runs list` lists them\n", unknown.err());
    }

    @Test
    void aStoreThatDoesNotExistIsNotCreated(@TempDir Path dir) {
        Path db = dir.resolve("none/results.db");
        CommandOutput list = CommandOutput.run("runs", "list", "--store", "jdbc:sqlite:" + db);
        assertEquals(0, list.exitCode(), list.err());
        assertEquals("no runs: jdbc:sqlite:" + db + " does not exist (no run was recorded there)\n", list.out());
        CommandOutput show = CommandOutput.run("runs", "show", "r", "--store", "jdbc:sqlite:" + db);
        assertEquals(2, show.exitCode());
        assertFalse(Files.exists(db.getParent()), "a reader creates nothing");
    }
}
