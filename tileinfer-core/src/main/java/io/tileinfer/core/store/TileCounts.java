package io.tileinfer.core.store;

/** The number of tile rows of a run by status. */
public record TileCounts(long done, long skipped, long failed) {
    public static final TileCounts NONE = new TileCounts(0, 0, 0);

    /** These counts with {@code status}'s set to {@code count}. */
    public TileCounts with(TileStatus status, long count) {
        return switch (status) {
            case DONE -> new TileCounts(count, skipped, failed);
            case SKIPPED -> new TileCounts(done, count, failed);
            case FAILED -> new TileCounts(done, skipped, count);
        };
    }
}
