package io.tileinfer.api;

import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.RunRecord;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.raster.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the web page's JSON asks of the result store. */
class WebPageDataTest {
    @TempDir
    Path dir;

    @Test
    void aPageOfRunsCountsTheTilesOfAllItsRunsInOneQuery() {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("results.db"))) {
            Instant start = Instant.parse("2026-05-01T00:00:00Z");
            for (int i = 0; i < 3; i++) {
                store.saveRun(new RunRecord("run-" + i, "c.yaml", "sha", "m-1", start.plusSeconds(i), null,
                        "running", null, null));
            }
            store.saveTiles(List.of(tile("run-1", "t0", TileStatus.DONE), tile("run-1", "t1", TileStatus.FAILED)));
            List<String> calls = new ArrayList<>();
            WebPageData data = new WebPageData(PageStore.opened(recordingCalls(store, calls)), dir, "m-1");

            List<?> runs = (List<?>) data.runs(new RunsQuery(50, null)).get("runs");
            assertEquals(List.of("runs", "tileCounts"), calls);
            assertEquals(List.of(0L, 1L, 0L), runs.stream().map(run -> ((Map<?, ?>) run).get("done")).toList());
            assertEquals(List.of(0L, 1L, 0L), runs.stream().map(run -> ((Map<?, ?>) run).get("failed")).toList());

            Map<?, ?> run = (Map<?, ?>) data.run("run-1").get("run");
            assertEquals(List.of(1L, 0L, 1L), List.of(run.get("done"), run.get("skipped"), run.get("failed")));
        }
    }

    @Test
    void aRunningRunWhoseProcessHasBeenSilentIsShownInterrupted() {
        try (JdbcResultStore store = JdbcResultStore.open("jdbc:sqlite:" + dir.resolve("silent.db"))) {
            Instant now = Instant.now();
            Instant longAgo = now.minus(RunRecord.SILENT_AFTER).minusSeconds(60);
            store.saveRun(new RunRecord("alive", "c.yaml", "sha", "m-1", longAgo, null, "running", null, now));
            store.saveRun(new RunRecord("gone", "c.yaml", "sha", "m-1", longAgo, null, "running", null, longAgo));
            store.saveRun(new RunRecord("ended", "c.yaml", "sha", "m-1", longAgo, longAgo, "succeeded", null,
                    longAgo));
            WebPageData data = new WebPageData(PageStore.opened(store), dir, "m-1");
            Map<?, ?> gone = (Map<?, ?>) data.run("gone").get("run");
            assertEquals("interrupted", gone.get("status"));
            assertEquals(longAgo.toString(), gone.get("heartbeat_at"));
            assertEquals("running", ((Map<?, ?>) data.run("alive").get("run")).get("status"));
            List<?> runs = (List<?>) data.runs(new RunsQuery(50, null)).get("runs");
            // ties on the start: by run id, descending
            assertEquals(List.of("interrupted", "succeeded", "running"),
                    runs.stream().map(run -> ((Map<?, ?>) run).get("status")).toList());
        }
    }

    /** The store, with the name of each method called on it added to {@code calls}. */
    private static ResultStore recordingCalls(ResultStore store, List<String> calls) {
        return (ResultStore) Proxy.newProxyInstance(ResultStore.class.getClassLoader(),
                new Class<?>[]{ResultStore.class}, (proxy, method, arguments) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(store, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static TileResult tile(String run, String id, TileStatus status) {
        return new TileResult(run, "scene", id, 0, new Window(0, 0, 10, 10), new double[]{0, 0, 1, 1}, status,
                null, null, 1, Map.of(), 1.0, null, "m-1");
    }
}
