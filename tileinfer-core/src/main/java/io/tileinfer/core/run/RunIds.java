package io.tileinfer.core.run;

import io.tileinfer.core.Hashing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A run's id follows from what it computes: what the configuration says (its content, not its bytes: see
 * {@code ConfigLoader}) and the model version. Starting the same configuration again therefore resumes the same run
 * instead of starting a new one.
 */
public final class RunIds {
    private RunIds() {
    }

    public static String of(Path configFile, String contentSha256, String modelVersion) {
        String name = configFile.getFileName().toString().replaceFirst("\\.ya?ml$", "")
                .replaceAll("[^A-Za-z0-9._-]", "_");
        String key = contentSha256 + "\n" + modelVersion;
        return name + "-" + Hashing.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }
}
