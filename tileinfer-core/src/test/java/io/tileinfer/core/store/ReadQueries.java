package io.tileinfer.core.store;

import io.tileinfer.raster.Window;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The read queries of the web page, checked the same way on every store (SQLite here, PostgreSQL in its module). */
public final class ReadQueries {
    private ReadQueries() {
    }

    /** Writes two runs with rows of two scenes into an empty store and checks every read query against them. */
    public static void check(ResultStore store) {
        Instant started = Instant.parse("2026-01-02T03:04:05Z");
        store.saveRun(new RunRecord("old", "c.yaml", "sha", "m-1", started, started.plusSeconds(9), "succeeded",
                "/runs/old/manifest.json"));
        store.saveRun(new RunRecord("new", "c.yaml", "sha", "m-2", started.plusSeconds(60), null, "running", null));
        store.saveTiles(List.of(tile("new", "b", 0, TileStatus.DONE), tile("new", "a", 1, TileStatus.FAILED),
                tile("new", "a", 0, TileStatus.SKIPPED), tile("new", "b", 1, TileStatus.FAILED),
                tile("old", "a", 0, TileStatus.DONE)));

        assertEquals(List.of("new", "old"), store.runs().stream().map(RunRecord::runId).toList());
        assertEquals(Optional.of("/runs/old/manifest.json"), store.run("old").map(RunRecord::manifest));
        assertEquals(Optional.empty(), store.run("nope"));
        assertEquals(new TileCounts(1, 1, 2), store.tileCounts("new"));
        assertEquals(new TileCounts(1, 0, 0), store.tileCounts("old"));
        assertEquals(new TileCounts(0, 0, 0), store.tileCounts("nope"));

        List<TileResult> sceneA = store.tiles("new", "a");
        assertEquals(List.of("a/t0", "a/t1"), sceneA.stream().map(TileResult::tileId).toList());
        TileResult failed = sceneA.get(1);
        assertEquals(new Window(10, 0, 10, 10), failed.window());
        assertEquals("boom", failed.error());
        assertEquals("read", failed.cause());
        assertEquals("sha-a/t1", failed.inputSha256());
        assertEquals(2.5, failed.latencyMs());
        assertEquals(Map.of("cloud", 0.25, "clear", 0.75), store.tiles("new", "b").getFirst().classFractions());

        assertEquals(List.of("a/t1", "b/t1"), store.failures("new").stream().map(TileResult::tileId).toList());
        assertEquals(List.of(), store.failures("old"));
    }

    private static TileResult tile(String run, String scene, int index, TileStatus status) {
        boolean failed = status == TileStatus.FAILED;
        return new TileResult(run, scene, scene + "/t" + index, index, new Window(index * 10, 0, 10, 10),
                new double[]{index, 0, index + 1, 1}, status, failed ? "boom" : null, failed ? "read" : null,
                failed ? 3 : 1, status == TileStatus.DONE ? Map.of("cloud", 0.25, "clear", 0.75) : Map.of(), 2.5,
                "sha-" + scene + "/t" + index, "m-1");
    }
}
