package io.tileinfer.api;

import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelOptions;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.model.TileModel;

import java.nio.file.Path;

/**
 * The one model version a server serves, loaded from the registry as batch loads it. {@code requestedAs} is the
 * version id or alias it was asked for (e.g. "production").
 */
record ServedModel(ModelVersion version, TileModel model, String requestedAs) implements AutoCloseable {

    /**
     * Every inference call is single-threaded, as in batch: requests run side by side on the workers, and the same
     * tile gives the same bytes whatever the load.
     */
    static ServedModel load(Path registry, String versionOrAlias) {
        ModelVersion version = ModelRegistry.open(registry).resolve(versionOrAlias);
        return new ServedModel(version, TileModel.load(version, new ModelOptions(1, ModelOptions.CPU)), versionOrAlias);
    }

    String name() {
        return card().name();
    }

    String id() {
        return version.id();
    }

    ModelCard card() {
        return version.card();
    }

    /** The fixed input height and width of the model's tensors, or 0 when they are dynamic. */
    int fixedSide() {
        return card().fixedSide();
    }

    @Override
    public void close() {
        model.close();
    }
}
