package io.tileinfer.api;

import io.tileinfer.core.store.RunCursor;

/**
 * {@code GET /ui/api/runs?limit=N&before=CURSOR}: a page of at most {@code limit} runs, newest first, after the
 * cursor (the {@code next} of the page before) or from the newest when there is none.
 */
record RunsQuery(int limit, RunCursor before) {
    /** A page's tile counts are one query, but its work grows with the page's runs: 500 keeps it bounded. */
    private static final WholeNumberParameter LIMIT = new WholeNumberParameter("limit", 1, 500, "runs", 50);

    /** @throws ApiException 400 naming the parameter and what was expected */
    static RunsQuery of(Call call) {
        return new RunsQuery(LIMIT.in(call), call.query("before")
                .map(token -> RunCursorToken.decode("before", token)).orElse(null));
    }
}
