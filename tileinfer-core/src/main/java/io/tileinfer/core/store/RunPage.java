package io.tileinfer.core.store;

import java.util.List;

/** One page of runs, newest first, and where the page of older runs starts: {@code null} when there is none. */
public record RunPage(List<RunRecord> runs, RunCursor next) {

    public RunPage {
        runs = List.copyOf(runs);
    }

    /**
     * How many rows a store reads for a page of {@code limit} runs: one more, which tells whether older runs remain
     * without counting them.
     *
     * @throws IllegalArgumentException when {@code limit} is not positive
     */
    public static int rowsToRead(int limit) {
        if (limit < 1 || limit == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a page of runs holds 1 or more runs, not " + limit);
        }
        return limit + 1;
    }

    /** The page of the {@code rowsToRead(limit)} rows a store read. */
    public static RunPage of(List<RunRecord> rows, int limit) {
        if (rows.size() <= limit) {
            return new RunPage(rows, null);
        }
        List<RunRecord> page = rows.subList(0, limit);
        return new RunPage(page, RunCursor.after(page.getLast()));
    }
}
