package io.tileinfer.core.run;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where a run keeps its files: {@code <output>/<run id>}, or its local staging directory with an s3:// output. */
public record RunDirectory(Path path) {
    private static final String SCRATCH = "scratch";
    private static final String CHUNKS = "chunks";

    /**
     * The scene's scratch raster: where the tiles this process crops wait for the scene's raster, which is assembled
     * there.
     */
    public Path scratch(String sceneId) {
        return path.resolve(SCRATCH).resolve(sceneId + ".tif");
    }

    /**
     * The scene's input files as the run computed its tiles ({@link InputStamps}), kept with the run: a scene done
     * again (a derived file lost) is told from one whose inputs changed by them too.
     */
    public Path inputStamps(String sceneId) {
        return path.resolve("inputs").resolve(sceneId + ".json");
    }

    /**
     * Where each finished tile's chunk waits for the scene's raster: its cropped prediction when computed elsewhere
     * (Spark), its probabilities whenever the run blends.
     */
    public Path chunkDir(String sceneId) {
        return path.resolve(CHUNKS).resolve(sceneId);
    }

    public Path prediction(String sceneId) {
        return path.resolve("predictions").resolve(sceneId + ".tif");
    }

    /**
     * Removes the scratch and chunk directories once no scene holds anything in them: at the run's end, not a
     * scene's, as the next scene may be creating its files there meanwhile.
     */
    void removeEmptyWorkDirs() throws IOException {
        for (String dir : List.of(SCRATCH, CHUNKS)) {
            try {
                Files.deleteIfExists(path.resolve(dir));
            } catch (DirectoryNotEmptyException partial) {
                // a partial scene keeps its scratch raster or chunks for the resume
            }
        }
    }
}
