package io.tileinfer.core.store;

/** The number of tile rows of a run by status. */
public record TileCounts(long done, long skipped, long failed) {

    public static TileCounts of(java.util.Map<String, Long> byStatus) {
        return new TileCounts(byStatus.getOrDefault(TileStatus.DONE.name(), 0L),
                byStatus.getOrDefault(TileStatus.SKIPPED.name(), 0L),
                byStatus.getOrDefault(TileStatus.FAILED.name(), 0L));
    }
}
