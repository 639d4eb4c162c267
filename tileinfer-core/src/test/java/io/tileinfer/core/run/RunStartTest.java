package io.tileinfer.core.run;

import io.tileinfer.core.SharedData;
import io.tileinfer.core.TestModels;
import io.tileinfer.core.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a run refuses before it reads a tile, and how it says so: the setting, the configuration, the reason. */
class RunStartTest {
    @TempDir
    static Path shared;
    static Path registry;

    @BeforeAll
    static void registerModel() {
        registry = shared.resolve("models");
        TestModels.brightness(registry);
    }

    private static Path config(Path dir, String settings) throws IOException {
        return Runs.config(dir, """
                registry: %s
                %s
                scenes:
                  - {id: l8, file: %s}
                """.formatted(registry, settings, SharedData.variant("l8_rgbn_cog.tif")));
    }

    @Test
    void anOutputThatCannotBeCreatedIsNamedWithItsSettingAndTheReason(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        Path underFile = config(dir, "output: a-file/runs");
        ConfigException notDirectory = assertThrows(ConfigException.class, () -> Runs.run(underFile, 1));
        assertEquals("cannot create the output directory " + file.resolve("runs") + " (output in " + underFile
                + "): not a directory", notDirectory.getMessage());

        Path inProc = config(dir, "output: /proc/tileinfer-out");
        ConfigException missing = assertThrows(ConfigException.class, () -> Runs.run(inProc, 1));
        assertEquals("cannot create the output directory /proc/tileinfer-out (output in " + inProc
                + "): no such file or directory", missing.getMessage());
    }

    @Test
    void aStoreUrlNoModuleServesIsTheConfigurationsMistake(@TempDir Path dir) throws IOException {
        Path file = config(dir, "store: {url: \"jdbc:mysql://x/y\"}");
        ConfigException e = assertThrows(ConfigException.class, () -> Runs.run(file, 1));
        assertTrue(e.getMessage().startsWith(file + ": store.url: jdbc:mysql://x/y: no result store for this URL; "
                + "expected one of [jdbc:sqlite:..."), e.getMessage());
        assertFalse(Files.exists(dir.resolve("runs")), "nothing was run");
    }
}
