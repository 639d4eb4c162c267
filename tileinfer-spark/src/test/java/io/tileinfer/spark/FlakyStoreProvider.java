package io.tileinfer.spark;

import io.tileinfer.core.store.JdbcResultStore;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStoreProvider;
import io.tileinfer.core.store.RunRecord;
import io.tileinfer.core.store.SceneResult;
import io.tileinfer.core.store.StoreException;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code jdbc:flaky:PATH}: the SQLite store whose batch commits fail when a test says so, which fails the Spark
 * task that commits. Its switches are static: in local mode the executors are this JVM.
 */
public final class FlakyStoreProvider implements ResultStoreProvider {
    static final String PREFIX = "jdbc:flaky:";
    /** This many of the next batch commits fail. */
    static final AtomicInteger FAILING_COMMITS = new AtomicInteger();
    /** Every commit that would finish this tile fails, as if the tile crashed whatever ran it. */
    static volatile String poisonedTile;

    @Override
    public String urlPrefix() {
        return PREFIX;
    }

    @Override
    public ResultStore open(String url) {
        return new FlakyStore(JdbcResultStore.open("jdbc:sqlite:" + url.substring(PREFIX.length())));
    }

    private record FlakyStore(ResultStore store) implements ResultStore {

        @Override
        public void saveTiles(List<TileResult> tiles) {
            if (FAILING_COMMITS.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new StoreException("injected failure of a batch commit", null);
            }
            if (tiles.stream().anyMatch(t -> t.tileId().equals(poisonedTile) && t.status() != TileStatus.FAILED)) {
                throw new StoreException("injected failure: tile " + poisonedTile + " is poisoned", null);
            }
            store.saveTiles(tiles);
        }

        @Override
        public void saveRun(RunRecord run) {
            store.saveRun(run);
        }

        @Override
        public void heartbeat(String runId, Instant at) {
            store.heartbeat(runId, at);
        }

        @Override
        public void saveScene(SceneResult scene) {
            store.saveScene(scene);
        }

        @Override
        public Map<String, TileStatus> tileStatuses(String runId, String sceneId) {
            return store.tileStatuses(runId, sceneId);
        }

        @Override
        public void deleteTiles(String runId, String sceneId) {
            store.deleteTiles(runId, sceneId);
        }

        @Override
        public List<TileResult> tiles(String runId) {
            return store.tiles(runId);
        }

        @Override
        public List<SceneResult> scenes(String runId) {
            return store.scenes(runId);
        }

        @Override
        public io.tileinfer.core.store.RunPage runs(int limit, io.tileinfer.core.store.RunCursor before) {
            return store.runs(limit, before);
        }

        @Override
        public java.util.Optional<RunRecord> run(String runId) {
            return store.run(runId);
        }

        @Override
        public List<TileResult> tiles(String runId, String sceneId) {
            return store.tiles(runId, sceneId);
        }

        @Override
        public List<TileResult> failures(String runId) {
            return store.failures(runId);
        }

        @Override
        public Map<String, io.tileinfer.core.store.TileCounts> tileCounts(java.util.Collection<String> runIds) {
            return store.tileCounts(runIds);
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
