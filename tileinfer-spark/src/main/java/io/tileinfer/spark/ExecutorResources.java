package io.tileinfer.spark;

import ai.onnxruntime.OrtEnvironment;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStores;
import io.tileinfer.model.ModelOptions;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.model.TileModel;
import io.tileinfer.raster.ObjectStoreOptions;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * What the tasks of one executor JVM share for as long as it lives: one ONNX Runtime session per model version
 * (sessions run concurrent calls, so a session serves every task slot), one result store per URL, and GDAL's
 * object-store options. Loading a model per task or per tile would cost more than inferring a batch.
 */
final class ExecutorResources {
    private static final long ONNX_RUNTIME_START_STACK_BYTES = 64L << 20;
    private static final ConcurrentMap<String, TileModel> MODELS = new ConcurrentHashMap<>();
    private static final ConcurrentMap<String, ResultStore> STORES = new ConcurrentHashMap<>();
    private static final ConcurrentMap<ObjectStoreOptions, Boolean> OBJECT_STORES = new ConcurrentHashMap<>();

    private ExecutorResources() {
    }

    static TileModel model(TaskSettings settings) {
        return MODELS.computeIfAbsent(settings.registry() + "\n" + settings.modelVersion(), key -> {
            startOnnxRuntime();
            // One ONNX Runtime thread per call, as in the local runner: Spark's task slots are the parallelism,
            // and a single-threaded call gives the same bits everywhere.
            return TileModel.load(ModelRegistry.open(Path.of(settings.registry())).resolve(settings.modelVersion()),
                    new ModelOptions(1, ModelOptions.CPU));
        });
    }

    /**
     * Creates ONNX Runtime's environment on a thread with a large stack. Creating it recurses deeper the longer
     * the process's command line is: ONNX Runtime 1.29.0 overflows a default 1 MB thread stack from about 4 KB of
     * command line, which an executor's classpath and JVM options reach, and the JVM dies with SIGSEGV (exit 139,
     * no hs_err file). Sessions are then created and run on any thread.
     */
    private static void startOnnxRuntime() {
        FutureTask<OrtEnvironment> start = new FutureTask<>(OrtEnvironment::getEnvironment);
        new Thread(null, start, "onnxruntime-start", ONNX_RUNTIME_START_STACK_BYTES).start();
        try {
            start.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting ONNX Runtime", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot start ONNX Runtime: " + e.getCause(), e.getCause());
        }
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
