package io.tileinfer.core.run;

import io.tileinfer.core.Hashing;
import io.tileinfer.core.config.SceneSpec;
import io.tileinfer.core.output.PredictionChunks;
import io.tileinfer.core.output.ProbabilityChunks;
import io.tileinfer.core.store.SceneResult;
import io.tileinfer.core.store.SceneStatus;
import io.tileinfer.core.store.TileStatus;
import io.tileinfer.core.tile.Tile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Where a scene's resume starts, found without changing anything: batch resumes from it and plan reports it, so the
 * two agree. What counts is what an earlier attempt left on disk, not only what its rows say.
 */
public final class ResumePoint {
    private ResumePoint() {
    }

    /** The scenes of {@code specs} that a resume keeps as they are ({@link FinishedScenes}), by id. */
    public static Set<String> keptScenes(Path runDir, List<SceneResult> recorded, List<SceneSpec> specs)
            throws IOException {
        return FinishedScenes.read(runDir, recorded).kept(specs).keySet();
    }

    /**
     * Why an earlier attempt's tiles of the scene cannot be kept, or null when they can: its input files (or its sun
     * elevation) changed since that attempt computed them (as {@link InputStamps} at {@code stamps} recorded them), or
     * there is no record of
     * them to tell (a run begun by an older version, a record deleted or damaged). Every tile is then computed again.
     */
    public static String inputsChanged(Path stamps, List<String> locations, Double sunElevation) {
        return inputsChanged(stamps, InputStamps.of(locations, sunElevation));
    }

    /**
     * As {@link #inputsChanged(Path, List, Double)}, with the files' stamps as they are now, taken once by the caller.
     */
    static String inputsChanged(Path stamps, InputStamps now) {
        InputStamps earlier;
        try {
            earlier = InputStamps.read(stamps);
        } catch (IOException unreadable) {
            return "no readable record of the files the earlier attempt read (" + stamps + ")";
        }
        try {
            List<String> changed = now.changedSince(earlier);
            return changed.isEmpty() ? null : String.join(", ", changed) + " changed since the earlier attempt";
        } catch (IOException unreadable) { // a local file that cannot be hashed: its tiles cannot be read either
            return null;
        }
    }

    /**
     * The statuses less the finished tiles whose pixels are lost: recorded DONE, but neither in the scene's scratch
     * raster ({@code scratchKept} false: there is none, or it cannot be trusted) nor in a chunk of {@code chunkDir};
     * when blending, without a probability chunk (the scratch raster then holds only the assembly). They are
     * computed again.
     */
    public static Map<String, TileStatus> withPixels(List<Tile> tiles, Map<String, TileStatus> statuses,
                                                     boolean blend, boolean scratchKept, Path chunkDir) {
        if (!blend && scratchKept) {
            return statuses;
        }
        Predicate<Tile> chunked = blend ? new ProbabilityChunks(chunkDir)::has : new PredictionChunks(chunkDir)::has;
        Map<String, TileStatus> kept = new LinkedHashMap<>(statuses);
        for (Tile tile : tiles) {
            if (statuses.get(tile.id()) == TileStatus.DONE && !chunked.test(tile)) {
                kept.remove(tile.id());
            }
        }
        return kept;
    }

    /**
     * The SHA-256 of the scene's raster at {@code output} when an earlier attempt finished every tile ({@code
     * statuses}) and assembled it, and it is still as recorded (the scene's row DONE with that hash): nothing is left
     * to do but the files derived from it. Else null. {@code recorded}, the run's scene rows, is read only then.
     */
    public static String assembled(List<Tile> tiles, Map<String, TileStatus> statuses,
                                   Supplier<List<SceneResult>> recorded, String sceneId, Path output)
            throws IOException {
        if (!tiles.stream().allMatch(t -> ScenePlan.finished(statuses, t))) {
            return null;
        }
        for (SceneResult row : recorded.get()) {
            if (row.sceneId().equals(sceneId) && row.status() == SceneStatus.DONE && Files.isRegularFile(output)) {
                String sha256 = Hashing.sha256(output);
                return sha256.equals(row.outputSha256()) ? sha256 : null;
            }
        }
        return null;
    }
}
