package io.tileinfer.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.raster.RangeHttpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiles read over HTTP from a real server on loopback that drops connections or stops answering: a failed read is
 * tried again for real, and a stop request is honoured while the server hangs.
 */
class RemoteTileReadTest {
    private static final String COG = "l8_rgbn_cog.tif";
    /** GDAL's first request of a file at open: 16 KiB, never cut or stalled here. */
    private static final long HEADER_BYTES = 16_384;
    /**
     * Where the COG's full-resolution tiles begin (16 KiB-aligned, as GDAL asks for them), after its overviews: the
     * scene's checks before the run read the header and overviews only, the tiles' reads this.
     */
    private static final long FULL_RESOLUTION = 770_048;
    /**
     * GDAL 3.6 asks again for smaller ranges when a range fails: the first tile's read of this COG makes 4 requests
     * (770048-1212415, then from 917504, 1015808 and 1081344) before it fails; all 4 cut make one failed read.
     */
    private static final int GDAL_REQUESTS_PER_FAILED_READ = 4;
    private static final int EXIT_ON_SIGTERM = 128 + 15;

    @TempDir
    Path dir;
    RangeHttpServer http;
    Path registry;

    @BeforeEach
    void start() throws Exception {
        http = RangeHttpServer.serve(SharedData.VARIANTS);
        registry = dir.resolve("models");
        TestModels.brightness(registry);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private String yaml(String file, String extra) {
        return """
                model: production
                registry: %s
                output: runs
                tiling: {size: 64, halo: 8}
                retries: 2
                %s
                scenes:
                  - {id: l8, file: %s}
                """.formatted(registry, extra, file);
    }

    @Test
    void aReadThatFailedOnADroppedConnectionIsReadAgainOnAFreshConnection() throws Exception {
        http.cutFirst(COG, FULL_RESOLUTION, GDAL_REQUESTS_PER_FAILED_READ);
        RunSummary remote = Runs.run(Runs.config(dir.resolve("remote"), yaml(http.url(COG), "")), 1);
        assertTrue(http.cuts() > 0, "the server cut a read of " + http.url(COG));
        List<TileResult> rows = rows(dir.resolve("remote"), remote.runId());
        assertEquals(List.of(), rows.stream().filter(r -> r.status() != TileStatus.DONE).toList(),
                "every tile done, a read that failed once included");
        assertTrue(rows.stream().anyMatch(r -> r.attempts() == 2), "a tile read twice: " + rows.stream()
                .collect(Collectors.groupingBy(TileResult::attempts, Collectors.counting())));

        RunSummary local = Runs.run(Runs.config(dir.resolve("local"), yaml(SharedData.variant(COG), "")), 1);
        assertEquals(inputs(rows(dir.resolve("local"), local.runId())), inputs(rows),
                "the tiles read again hold the same pixels as the local file's");
    }

    @Test
    void sigtermDuringAStalledReadStopsAfterTheReadInProgressAndTheRunResumes() throws Exception {
        http.stallFrom(COG, HEADER_BYTES);
        String config = yaml(http.url(COG), "object_store: {timeout_seconds: 3, retries: 0}");
        Path configFile = Runs.config(dir.resolve("stalled"), config);
        Path log = dir.resolve("stalled.log");
        Process process = Runs.start(configFile, 1, log);
        try {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
            while (http.stalls() == 0 && process.isAlive() && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            assertTrue(http.stalls() > 0 && process.isAlive(), () -> "no tile read reached the stalled server: "
                    + Runs.readLog(log));
            long signalled = System.nanoTime();
            process.destroy(); // SIGTERM
            // the read in progress may take its 3 s timeout; no new tile and no retry after it
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), () -> "the run still going 20 s after SIGTERM: "
                    + Runs.readLog(log));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - signalled);
            String output = Runs.readLog(log);
            assertEquals(EXIT_ON_SIGTERM, process.exitValue(), output);
            assertTrue(output.contains("stop requested (SIGTERM): finishing the batches in flight"),
                    "the first signal is said at once: " + output);
            assertTrue(seconds < 20, seconds + " s");
        } finally {
            process.destroyForcibly();
        }
        Path db = dir.resolve("stalled/runs/results.db");
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + db)) {
            String runId = store.runs(1, null).runs().getFirst().runId();
            assertEquals(List.of(), store.tiles(runId).stream().filter(r -> r.status() == TileStatus.FAILED)
                    .toList(), "a tile whose read a stop interrupted is left for the next run, not failed");
        }
        http.heal(COG);
        RunSummary resumed = Runs.run(configFile, 1);
        assertTrue(resumed.complete(), "the resumed run finishes every tile");
    }

    private static List<TileResult> rows(Path dir, String runId) {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("runs/results.db"))) {
            return store.tiles(runId);
        }
    }

    private static Map<String, String> inputs(List<TileResult> rows) {
        return rows.stream().collect(Collectors.toMap(TileResult::tileId, r -> String.valueOf(r.inputSha256())));
    }
}
