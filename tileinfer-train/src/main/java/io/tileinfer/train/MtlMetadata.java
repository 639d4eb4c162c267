package io.tileinfer.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The "KEY = VALUE" lines of a Landsat MTL.txt scene metadata file. */
final class MtlMetadata {

    private final Path file;
    private final Map<String, String> values;

    private MtlMetadata(Path file, Map<String, String> values) {
        this.file = file;
        this.values = values;
    }

    static MtlMetadata read(Path file) {
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    values.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
                }
            }
        } catch (IOException e) {
            throw TrainingException.cannotRead(file, "the scene metadata", e);
        }
        return new MtlMetadata(file, values);
    }

    double number(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new TrainingException(file + ": " + key + " is missing");
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new TrainingException(file + ": " + key + " is \"" + value + "\", expected a number");
        }
    }
}
