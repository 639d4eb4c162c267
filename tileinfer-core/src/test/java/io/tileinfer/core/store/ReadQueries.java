package io.tileinfer.core.store;

import io.tileinfer.raster.Window;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read queries of the web page, checked the same way on every store (SQLite here, PostgreSQL in its module). */
public final class ReadQueries {
    private ReadQueries() {
    }

    /** Writes two runs with rows of two scenes into an empty store and checks every read query against them. */
    public static void check(ResultStore store) {
        Instant started = Instant.parse("2026-01-02T03:04:05Z");
        store.saveRun(new RunRecord("old", "c.yaml", "sha", "m-1", started, started.plusSeconds(9), "succeeded",
                "/runs/old/manifest.json", null));
        store.saveRun(new RunRecord("new", "c.yaml", "sha", "m-2", started.plusSeconds(60), null, "running", null,
                null));
        store.saveTiles(List.of(tile("new", "b", 0, TileStatus.DONE), tile("new", "a", 1, TileStatus.FAILED),
                tile("new", "a", 0, TileStatus.SKIPPED), tile("new", "b", 1, TileStatus.FAILED),
                tile("old", "a", 0, TileStatus.DONE)));

        RunPage runs = store.runs(50, null);
        assertEquals(List.of("new", "old"), ids(runs));
        assertNull(runs.next());
        assertEquals(Optional.of("/runs/old/manifest.json"), store.run("old").map(RunRecord::manifest));
        assertEquals(Optional.empty(), store.run("nope"));
        assertEquals(Map.of("new", new TileCounts(1, 1, 2), "old", new TileCounts(1, 0, 0),
                "nope", new TileCounts(0, 0, 0)), store.tileCounts(List.of("new", "nope", "old")));
        assertEquals(Map.of("old", new TileCounts(1, 0, 0)), store.tileCounts(List.of("old")), "only the runs asked");
        assertEquals(Map.of("nope", new TileCounts(0, 0, 0)), store.tileCounts(List.of("nope")));
        assertEquals(Map.of(), store.tileCounts(List.of()));

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

    /**
     * A running run's heartbeat is kept to the microsecond (PostgreSQL's precision) and read back; once the run's row
     * has ended, a late beat (the heartbeat thread's last, racing the final save) changes nothing.
     */
    public static void checkHeartbeat(ResultStore store) {
        Instant started = Instant.parse("2026-01-02T03:04:05.123456Z");
        store.saveRun(new RunRecord("h", "c.yaml", "sha", "m-1", started, null, "running", null, started));
        assertEquals(started, store.run("h").orElseThrow().heartbeatAt());
        store.heartbeat("h", started.plusSeconds(30));
        store.heartbeat("nope", started.plusSeconds(30)); // no such run: nothing to say it of
        assertEquals(started.plusSeconds(30), store.run("h").orElseThrow().heartbeatAt());
        assertEquals(Optional.empty(), store.run("nope"));
        store.saveRun(new RunRecord("h", "c.yaml", "sha", "m-1", started, started.plusSeconds(40), "succeeded",
                "manifest.json", started.plusSeconds(40)));
        store.heartbeat("h", started.plusSeconds(60));
        RunRecord ended = store.run("h").orElseThrow();
        assertEquals(started.plusSeconds(40), ended.heartbeatAt());
        assertEquals("succeeded", ended.statusAt(started.plusSeconds(3600)));
    }

    /**
     * Writes runs with ties on their start, and starts that Instant.toString writes with 0, 3 and 6 fractional
     * digits, into an empty store, and reads them in pages: every page size gives each run once, newest first (ties
     * by run id, descending), and a run that starts between two page requests shifts none of the pages read.
     */
    public static void checkRunPages(ResultStore store) {
        Instant t = Instant.parse("2026-03-04T05:06:07Z");
        List<String> newestFirst = List.of("g", "f", "e", "c", "b", "a", "old");
        saveRuns(store, "a", t, "b", t, "c", t, "e", t.plusMillis(500), "f", t.plusSeconds(1),
                "g", t.plusSeconds(1).plusNanos(1000), "old", t.minus(1, ChronoUnit.DAYS));
        for (int limit : new int[]{1, 2, 3, 6, 7, 8, 500}) {
            assertEquals(newestFirst, allPages(store, limit), "pages of " + limit);
        }
        assertNull(store.runs(7, null).next(), "a page that ends with the last run says there is no older one");
        assertEquals(new RunCursor(t, "c"), store.runs(4, null).next());

        // A page of 2 ends within the tie at t; then "h" starts. The pages that follow go on where they were.
        RunPage first = store.runs(2, null);
        RunPage second = store.runs(2, first.next());
        assertEquals(List.of("e", "c"), ids(second));
        saveRuns(store, "h", t.plusSeconds(2));
        RunPage third = store.runs(2, second.next());
        assertEquals(List.of("b", "a"), ids(third));
        assertEquals(List.of("old"), ids(store.runs(2, third.next())));
        assertNull(store.runs(2, third.next()).next());
        assertEquals(List.of("h", "g"), ids(store.runs(2, null)), "a new first page shows the new run");

        // A cursor is a position, not a row: one of a run that is not in the store pages from where it would be.
        assertEquals(List.of("b", "a", "old"), ids(store.runs(5, new RunCursor(t, "bb"))));
        assertEquals(List.of(), ids(store.runs(5, new RunCursor(t.minus(2, ChronoUnit.DAYS), "x"))));
        assertThrows(IllegalArgumentException.class, () -> store.runs(0, null));
    }

    /** Every run, page after page of {@code limit}. */
    private static List<String> allPages(ResultStore store, int limit) {
        List<String> ids = new ArrayList<>();
        RunCursor before = null;
        do {
            RunPage page = store.runs(limit, before);
            assertTrue(page.runs().size() <= limit);
            ids.addAll(ids(page));
            before = page.next();
        } while (before != null);
        return ids;
    }

    /** Runs by id and start: {@code id, start, id, start, ...}. */
    private static void saveRuns(ResultStore store, Object... idsAndStarts) {
        for (int i = 0; i < idsAndStarts.length; i += 2) {
            store.saveRun(new RunRecord((String) idsAndStarts[i], "c.yaml", "sha", "m-1", (Instant) idsAndStarts[i + 1],
                    null, "running", null, null));
        }
    }

    private static List<String> ids(RunPage page) {
        return page.runs().stream().map(RunRecord::runId).toList();
    }

    private static TileResult tile(String run, String scene, int index, TileStatus status) {
        boolean failed = status == TileStatus.FAILED;
        return new TileResult(run, scene, scene + "/t" + index, index, new Window(index * 10, 0, 10, 10),
                new double[]{index, 0, index + 1, 1}, status, failed ? "boom" : null, failed ? "read" : null,
                failed ? 3 : 1, status == TileStatus.DONE ? Map.of("cloud", 0.25, "clear", 0.75) : Map.of(), 2.5,
                "sha-" + scene + "/t" + index, "m-1");
    }
}
