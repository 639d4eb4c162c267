package io.tileinfer.core;

import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.run.RunHeldException;
import io.tileinfer.core.store.StoreException;
import io.tileinfer.model.ModelException;
import io.tileinfer.raster.FileErrors;
import io.tileinfer.raster.GdalUnavailableException;
import io.tileinfer.raster.RasterException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * A failure that the user can act on: one line to say, and the exit code, alike from every {@code tileinfer} command
 * and from the Spark job. Any other exception is a bug, which keeps its stack trace.
 */
public record UserFailure(String line, int exitCode) {

    public static Optional<UserFailure> of(Exception e) {
        return Optional.ofNullable(switch (e) {
            // what was asked for is wrong: nothing was run
            case ConfigException _, ModelException _, IllegalArgumentException _ ->
                    new UserFailure(e.getMessage(), ExitCodes.CONFIG);
            // what the command needs is not there or not working: a file, the store, libgdal, a run's lock
            case RasterException _, StoreException _, RunHeldException _, GdalUnavailableException _ ->
                    new UserFailure(e.getMessage(), ExitCodes.INTERNAL);
            case IOException io -> new UserFailure(FileErrors.describe(io), ExitCodes.INTERNAL);
            case UncheckedIOException io -> new UserFailure(FileErrors.describe(io), ExitCodes.INTERNAL);
            default -> null;
        });
    }
}
