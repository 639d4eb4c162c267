package io.tileinfer.core.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tileinfer.core.AtomicFiles;
import io.tileinfer.core.Hashing;
import io.tileinfer.core.config.Locations;
import io.tileinfer.raster.FileStamp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A scene's input files as the run first computed tiles of them ({@link FileStamp}: size, times, inode; and each
 * local file's SHA-256 once the manifest's hash of it is done), kept in the run directory. The run id follows from the configuration alone, so a file replaced between a
 * killed attempt and its resume would otherwise have its new pixels stitched to tiles of the old ones. So would tiles
 * of another sun elevation (an MTL.txt or a STAC item mended in between): {@code sunElevation} is the one the
 * scene's corrected bands were divided by (null for a model without such bands).
 */
record InputStamps(Map<String, Input> inputs, Double sunElevation) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * 2 since a multi-band file's bands are read by their descriptions when those name the model's bands (2cfe17a):
     * an attempt that wrote an earlier format may have read them by position, so its record is no record, and the
     * scene's tiles are computed again rather than stitched to tiles read another way.
     */
    private static final int FORMAT = 3; // 3: with the sun elevation

    /** One file: its stamp (null when it could not be had), and its SHA-256 (null until hashed, or remote). */
    record Input(FileStamp stamp, String sha256) {
    }

    static InputStamps of(List<String> locations, Double sunElevation) {
        Map<String, Input> inputs = new LinkedHashMap<>();
        locations.forEach(location -> inputs.put(location, new Input(FileStamp.of(location), null)));
        return new InputStamps(inputs, sunElevation);
    }

    /** These stamps with the files' SHA-256 as the manifest has them (null for remote files). */
    InputStamps withHashes(Map<String, String> sha256s) {
        Map<String, Input> hashed = new LinkedHashMap<>();
        inputs.forEach((location, input) -> hashed.put(location, new Input(input.stamp(), sha256s.get(location))));
        return new InputStamps(hashed, sunElevation);
    }

    /**
     * The stamps an earlier attempt wrote.
     *
     * @throws IOException when there are none, or they cannot be read: nothing to tell the files by
     */
    static InputStamps read(Path file) throws IOException {
        JsonNode record = JSON.readTree(file.toFile());
        if (record == null || record.path("format").asInt() != FORMAT || !record.path("inputs").isObject()) {
            throw new IOException(file + ": not a record of input files of format " + FORMAT);
        }
        Map<String, Input> inputs = JSON.convertValue(record.get("inputs"),
                new TypeReference<LinkedHashMap<String, Input>>() {
                });
        if (inputs.containsValue(null)) {
            throw new IOException(file + ": not a record of input files");
        }
        JsonNode sun = record.path("sun_elevation");
        return new InputStamps(inputs, sun.isNumber() ? sun.doubleValue() : null);
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("format", FORMAT);
        record.put("inputs", inputs);
        record.put("sun_elevation", sunElevation);
        AtomicFiles.write(file, JSON.writeValueAsBytes(record));
    }

    /**
     * The inputs that are not as {@code earlier} recorded them (another file, or changed), in order. A file whose
     * stamp differs but whose SHA-256 is the one recorded (touched, chmod'ed, copied back as it was) has not
     * changed. One that cannot be stat'ed now (a server down for a while) is not said to have changed: its tiles
     * fail to read, and are read again by the next attempt.
     */
    List<String> changedSince(InputStamps earlier) throws IOException {
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, Input> entry : inputs.entrySet()) {
            String location = entry.getKey();
            FileStamp now = entry.getValue().stamp();
            Input before = earlier.inputs.get(location);
            if (now == null || before != null && Objects.equals(now, before.stamp())) {
                continue;
            }
            boolean sameBytes = before != null && before.sha256() != null && Locations.isLocal(location)
                    && before.stamp() != null && now.size() == before.stamp().size()
                    && before.sha256().equals(Hashing.sha256(Path.of(location)));
            if (!sameBytes) {
                changed.add(location);
            }
        }
        earlier.inputs.keySet().stream().filter(location -> !inputs.containsKey(location)).forEach(changed::add);
        if (!Objects.equals(sunElevation, earlier.sunElevation)) {
            changed.add("the sun elevation (" + degrees(earlier.sunElevation) + " then, " + degrees(sunElevation)
                    + " now)");
        }
        return changed;
    }

    private static String degrees(Double sunElevation) {
        return sunElevation == null ? "none" : sunElevation + "°";
    }
}
