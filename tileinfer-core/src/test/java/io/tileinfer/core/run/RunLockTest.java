package io.tileinfer.core.run;

import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.store.SqliteRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run held by a real process: a second runner of the same configuration stops at once; SIGKILL frees it. */
class RunLockTest {
    private static final int TILES = 53 * 51; // 16 px tiles with a 2 px halo over 627 x 603

    @Test
    void aSecondRunnerOfTheSameRunStopsAtOnceAndAKilledHolderFreesIt(@TempDir Path dir) throws Exception {
        Path registry = dir.resolve("models");
        TestModels.brightness(registry);
        Path config = Runs.config(dir.resolve("run"), """
                model: production
                registry: %s
                output: runs
                tiling: {size: 16, halo: 2, batch: 1}
                scenes:
                  - {id: l8, file: %s}
                """.formatted(registry, SharedData.variant("l8_rgbn_cog.tif")));
        Path log = dir.resolve("holder.log");
        Process holder = Runs.start(config, 1, log);
        Path db = dir.resolve("run/runs/results.db");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        int rows = 0;
        while (holder.isAlive() && rows < 100 && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            rows = Files.exists(db) ? SqliteRows.tiles(db) : 0;
        }
        assertTrue(holder.isAlive(), () -> "the run ended before the test: " + Runs.readLog(log));

        RunHeldException held = assertThrows(RunHeldException.class, () -> Runs.run(config, 1));
        try (var runs = Files.list(dir.resolve("run/runs"))) {
            Path runDir = runs.filter(Files::isDirectory).findFirst().orElseThrow();
            assertEquals("run " + runDir.getFileName() + " is being run by another process (lock "
                    + runDir.resolve("run.lock") + "); wait for it or stop it", held.getMessage());
        }
        assertTrue(holder.isAlive(), "the second runner did not disturb the first");

        holder.destroyForcibly(); // SIGKILL: the operating system releases the lock
        holder.waitFor();
        RunSummary resumed = Runs.run(config, 2);
        assertTrue(resumed.complete());
        assertEquals(TILES, SqliteRows.tiles(db), "no row lost or duplicated");
    }
}
