package io.tileinfer.core.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tileinfer.raster.FileStamp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A scene's input files as the run first computed tiles of them ({@link FileStamp}: size, times, inode), kept beside
 * its scratch raster until the scene is done. The run id follows from the configuration alone, so a file replaced
 * between a killed attempt and its resume would otherwise have its new pixels stitched to tiles of the old ones.
 */
record InputStamps(Map<String, FileStamp> stamps) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static InputStamps of(List<String> locations) {
        Map<String, FileStamp> stamps = new LinkedHashMap<>();
        locations.forEach(location -> stamps.put(location, FileStamp.of(location)));
        return new InputStamps(stamps);
    }

    /** The stamps an earlier attempt wrote; empty when there are none (a run begun by an older version) to go by. */
    static Optional<InputStamps> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new InputStamps(JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String,
                    FileStamp>>() {
            })));
        } catch (IOException e) { // torn or edited: nothing to go by, as without the file
            return Optional.empty();
        }
    }

    /** Written before the scene's first tile, under a temporary name and renamed, so that no reader sees half. */
    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(temp.toFile(), stamps);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The inputs that are not as {@code earlier} recorded them (another file, or changed), in order. One that cannot
     * be stat'ed now (a server down for a while) is not said to have changed: its tiles fail to read, and are read
     * again by the next attempt.
     */
    List<String> changedSince(InputStamps earlier) {
        List<String> changed = new ArrayList<>();
        stamps.forEach((location, stamp) -> {
            if (stamp != null && !Objects.equals(stamp, earlier.stamps.get(location))) {
                changed.add(location);
            }
        });
        earlier.stamps.keySet().stream().filter(location -> !stamps.containsKey(location)).forEach(changed::add);
        return changed;
    }
}
