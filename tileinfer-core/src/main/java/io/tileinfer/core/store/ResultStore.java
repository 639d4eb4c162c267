package io.tileinfer.core.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where runs, scenes and tile rows are kept. Writes are idempotent upserts keyed by run and tile (or scene), so
 * a resumed or retried run never duplicates a row.
 */
public interface ResultStore extends AutoCloseable {

    void saveRun(RunRecord run);

    /** Records that the process running {@code runId} is alive at {@code at}; no-op once the run's row has ended. */
    void heartbeat(String runId, Instant at);

    void saveScene(SceneResult scene);

    /** All rows of one batch in one transaction: a crash keeps all of them or none. */
    void saveTiles(List<TileResult> tiles);

    /** The status of every tile of the scene that has a row in this run, by tile id. */
    Map<String, TileStatus> tileStatuses(String runId, String sceneId);

    /** Removes a scene's tile rows: they were computed from input files that have changed since. */
    void deleteTiles(String runId, String sceneId);

    List<TileResult> tiles(String runId);

    List<SceneResult> scenes(String runId);

    /**
     * At most {@code limit} runs, newest first (started_at DESC, then run_id DESC): the newest when {@code before}
     * is null, else those that come after that cursor in this order. Keyset paging: each page is one indexed range
     * read, however many runs the store holds.
     */
    RunPage runs(int limit, RunCursor before);

    Optional<RunRecord> run(String runId);

    /** The rows of one scene of a run, in grid order. */
    List<TileResult> tiles(String runId, String sceneId);

    /** The FAILED rows of a run, with their error and cause. */
    List<TileResult> failures(String runId);

    /**
     * How many rows of each run have each status, by run id: counted by the store in one grouped query for all the
     * runs (a page of the web page's runs list), not by reading the rows. A run without rows counts none; no runs
     * need no query.
     */
    Map<String, TileCounts> tileCounts(Collection<String> runIds);

    @Override
    void close();
}
