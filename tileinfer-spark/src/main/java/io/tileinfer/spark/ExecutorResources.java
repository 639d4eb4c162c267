package io.tileinfer.spark;

import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStores;
import io.tileinfer.model.ModelOptions;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.model.TileModel;
import io.tileinfer.raster.ObjectStoreOptions;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What the tasks of one executor JVM share for as long as it lives: one ONNX Runtime session per model version
 * (sessions run concurrent calls, so a session serves every task slot), one result store per URL, and GDAL's
 * object-store options. Loading a model per task or per tile would cost more than inferring a batch.
 */
final class ExecutorResources {
    private static final ConcurrentMap<String, TileModel> MODELS = new ConcurrentHashMap<>();
    private static final ConcurrentMap<String, ResultStore> STORES = new ConcurrentHashMap<>();
    private static final ConcurrentMap<ObjectStoreOptions, Boolean> OBJECT_STORES = new ConcurrentHashMap<>();

    private ExecutorResources() {
    }

    static TileModel model(TaskSettings settings) {
        return MODELS.computeIfAbsent(settings.registry() + "\n" + settings.modelVersion(), key -> {
            // One ONNX Runtime thread per call, as in the local runner: Spark's task slots are the parallelism,
            // and a single-threaded call gives the same bits everywhere.
            return TileModel.load(ModelRegistry.open(Path.of(settings.registry())).resolve(settings.modelVersion()),
                    new ModelOptions(1, ModelOptions.CPU));
        });
    }

    static ResultStore store(String url) {
        return STORES.computeIfAbsent(url, ResultStores::open);
    }

    static void useObjectStore(ObjectStoreOptions options) {
        OBJECT_STORES.computeIfAbsent(options, o -> {
            o.apply();
            return true;
        });
    }
}
