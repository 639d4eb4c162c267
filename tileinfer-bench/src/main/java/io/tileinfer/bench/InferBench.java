package io.tileinfer.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileReader;
import io.tileinfer.model.InputScaling;
import io.tileinfer.model.ModelOptions;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.model.TileModel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Inference only, on tiles decoded beforehand (the first {@value #DISTINCT} tiles of the scene, cycled): as many
 * tiles as the scene has, in batches of 8, THREADS threads sharing one session with one ONNX Runtime thread
 * each (as tileinfer's workers do). Modes: {@code ort} is the compute floor, {@code OrtSession.run} alone on
 * tiles already scaled into direct buffers with a pinned output; {@code model} is {@link TileModel#predict}
 * (the card's scaling, the run, the probabilities copied out), what the batch calls. Both scale as the batch does
 * for a scene whose sun stood SUN_ELEVATION degrees high ({@link TileModel#scaling(Double)}): what bench/perf/run.sh
 * states for W1, so that a model with bands corrected for the sun angle makes its division here too.
 * <pre>java -cp ... io.tileinfer.bench.InferBench REGISTRY MODEL FILE SUN_ELEVATION THREADS ort|model [REPEATS]</pre>
 * Prints one line per repeat: seconds, tiles, pixels fed.
 */
public final class InferBench {
    static final int DISTINCT = 64;

    public static void main(String[] args) throws Exception {
        ModelVersion version = ModelRegistry.open(Path.of(args[0])).resolve(args[1]);
        String file = args[2];
        double sunElevation = Double.parseDouble(args[3]);
        int threads = Integer.parseInt(args[4]);
        String mode = args[5];
        int repeats = args.length > 6 ? Integer.parseInt(args[6]) : 1;
        int size = version.card().tileSize();
        BenchScene bench = BenchScene.open(file, size, 0);
        List<Tile> tiles = bench.tiles();
        int channels = version.card().bands().size();
        int perTile = channels * size * size;
        float[][] decoded = new float[DISTINCT][];
        try (TileReader reader = new TileReader(bench.scene(), size)) {
            for (int i = 0; i < DISTINCT; i++) {
                decoded[i] = reader.read(tiles.get(i)).raw();
            }
        }
        int classes = version.card().classCount();
        try (TileModel model = TileModel.load(version, new ModelOptions(1, ModelOptions.CPU));
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            InputScaling scaling = model.scaling(sunElevation);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            try (OrtSession session = env.createSession(Files.readAllBytes(version.onnxPath()), options)) {
                String input = session.getInputNames().iterator().next();
                String output = session.getOutputNames().iterator().next();
                for (int r = 0; r < repeats; r++) {
                    Parallel.Result result = Parallel.run(threads, tiles.size(), t -> switch (mode) {
                        case "ort" -> ortWorker(env, session, input, output, decoded, scaling, channels, classes,
                                size);
                        case "model" -> modelWorker(model, scaling, decoded, perTile, size);
                        default -> throw new IllegalArgumentException("mode " + mode + ": expected ort or model");
                    });
                    System.out.printf("%.3f %d %d%n", result.seconds(), tiles.size(),
                            (long) tiles.size() * size * size);
                }
            }
        }
    }

    private static Parallel.Worker ortWorker(OrtEnvironment env, OrtSession session, String inputName,
                                             String outputName, float[][] decoded, InputScaling scaling,
                                             int channels, int classes, int size) {
        int plane = size * size;
        // Every batch of 8 distinct tiles scaled beforehand: the floor excludes the scaling.
        int perBatch = Parallel.BATCH * channels * plane;
        FloatBuffer[] batches = new FloatBuffer[DISTINCT / Parallel.BATCH];
        for (int b = 0; b < batches.length; b++) {
            float[] raw = new float[perBatch];
            for (int t = 0; t < Parallel.BATCH; t++) {
                System.arraycopy(decoded[b * Parallel.BATCH + t], 0, raw, t * channels * plane, channels * plane);
            }
            batches[b] = floats(perBatch);
            scaling.apply(raw, Parallel.BATCH, plane, batches[b]);
        }
        FloatBuffer out = floats(Parallel.BATCH * classes * plane);
        return (from, to) -> {
            int n = to - from;
            FloatBuffer in = batches[(from / Parallel.BATCH) % batches.length].slice(0, n * channels * plane);
            FloatBuffer o = out.slice(0, n * classes * plane);
            try (OnnxTensor x = OnnxTensor.createTensor(env, in, new long[]{n, channels, size, size});
                 OnnxTensor y = OnnxTensor.createTensor(env, o, new long[]{n, classes, size, size})) {
                session.run(Map.of(inputName, x), Map.of(outputName, y)).close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return (long) (o.get(0) * 1e6);
        };
    }

    private static Parallel.Worker modelWorker(TileModel model, InputScaling scaling, float[][] decoded, int perTile,
                                               int size) {
        float[][] batches = new float[DISTINCT / Parallel.BATCH][Parallel.BATCH * perTile];
        for (int b = 0; b < batches.length; b++) {
            for (int t = 0; t < Parallel.BATCH; t++) {
                System.arraycopy(decoded[b * Parallel.BATCH + t], 0, batches[b], t * perTile, perTile);
            }
        }
        // as the batch calls it: the first n tiles of reused buffers, one output buffer per thread
        ThreadLocal<float[]> outputs = ThreadLocal.withInitial(
                () -> new float[Parallel.BATCH * model.classCount() * size * size]);
        return (from, to) -> {
            float[] probabilities = outputs.get();
            model.predict(scaling, batches[(from / Parallel.BATCH) % batches.length], to - from, size, size,
                    probabilities);
            return (long) (probabilities[0] * 1e6);
        };
    }

    private static FloatBuffer floats(int count) {
        return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private InferBench() {
    }
}
