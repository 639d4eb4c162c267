package io.tileinfer.core;

import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.store.StoreException;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UserFailureTest {
    @Test
    void whatWasAskedForIsWrongIsTwoWhatIsMissingIsOneAndABugIsNoneOfThem() {
        assertEquals(Optional.of(new UserFailure("pipeline.yaml: tiling.size: expected ...", ExitCodes.CONFIG)),
                UserFailure.of(new ConfigException("pipeline.yaml: tiling.size: expected ...")));
        assertEquals(Optional.of(new UserFailure("jdbc:postgresql://db/x: refused", ExitCodes.INTERNAL)),
                UserFailure.of(new StoreException("jdbc:postgresql://db/x: refused", null)));
        assertEquals(Optional.of(new UserFailure("/data/b4.tif: no such file or directory", ExitCodes.INTERNAL)),
                UserFailure.of(new UncheckedIOException(new NoSuchFileException("/data/b4.tif"))));
        assertEquals(Optional.empty(), UserFailure.of(new NullPointerException()));
        assertEquals(Optional.empty(), UserFailure.of(new IllegalStateException("a bug")));
    }
}
