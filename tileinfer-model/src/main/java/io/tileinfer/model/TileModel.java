package io.tileinfer.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A loaded model: one ONNX Runtime session, safe to call from many threads at once (ORT sessions allow
 * concurrent runs). {@link #predict} applies the card's band scaling (for a scene: {@link #scaling(Double)}), then
 * runs the model.
 */
public final class TileModel implements AutoCloseable {

    private final ModelCard card;
    private final String label;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final OnnxSignature signature;
    /** The card's scaling where it needs no sun elevation; null where it does. */
    private final InputScaling sceneless;
    /** Direct buffers ORT reads from and writes into without copying; reused across calls and threads. */
    private final ConcurrentLinkedQueue<TensorBuffers> idleBuffers = new ConcurrentLinkedQueue<>();

    private TileModel(ModelCard card, OrtEnvironment environment, OrtSession session, OnnxSignature signature) {
        this.card = card;
        this.label = card.version() != null ? card.version() : card.name();
        this.environment = environment;
        this.session = session;
        this.signature = signature;
        this.sceneless = InputScaling.needsSunElevation(card.bands()) ? null : InputScaling.of(card.bands());
    }

    /**
     * Loads a registered version, refusing an ONNX file whose bytes no longer match the registered SHA-256.
     *
     * @throws ModelException when the file changed, ORT cannot load it, it does not fit its card, or the
     *                        execution provider is unavailable
     */
    public static TileModel load(ModelVersion version, ModelOptions options) {
        byte[] onnx;
        try {
            onnx = Files.readAllBytes(version.onnxPath());
        } catch (IOException e) {
            throw ModelException.cannotRead(version.onnxPath(), "the model", e);
        }
        version.requireIntact(onnx);
        return load(onnx, version.card(), options);
    }

    /** Loads a model that is not (yet) registered, e.g. one just trained, to evaluate it. */
    public static TileModel load(byte[] onnx, ModelCard card, ModelOptions options) {
        String source = card.version() != null ? card.version() : card.name();
        OrtEnvironment environment = OnnxRuntime.environment();
        OrtSession session = openSession(environment, onnx, options, source);
        try {
            return new TileModel(card, environment, session, OnnxSignature.check(session, card, source));
        } catch (OrtException e) {
            closeQuietly(session, e);
            throw new ModelException(source + ": cannot read the model's inputs and outputs: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session, e);
            throw e;
        }
    }

    static OrtSession openSession(OrtEnvironment environment, byte[] onnx, ModelOptions options, String source) {
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
            sessionOptions.setInterOpNumThreads(1);
            sessionOptions.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            if (ModelOptions.CUDA.equals(options.executionProvider())) {
                addCuda(sessionOptions, source);
            }
            return environment.createSession(onnx, sessionOptions);
        } catch (OrtException e) {
            throw new ModelException(source + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    private static void addCuda(OrtSession.SessionOptions sessionOptions, String source) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            throw new ModelException(source + ": execution provider cuda is not available in this ONNX Runtime "
                    + "build (available: " + OrtEnvironment.getAvailableProviders() + "); it needs the "
                    + "onnxruntime_gpu artifact and a CUDA device, or use cpu");
        }
        try {
            sessionOptions.addCUDA(0);
        } catch (OrtException e) {
            throw new ModelException(source + ": cannot start execution provider cuda on device 0: "
                    + e.getMessage(), e);
        }
    }

    public ModelCard card() {
        return card;
    }

    /** The registered version id; null for a model loaded from bytes before registration. */
    public String version() {
        return card.version();
    }

    public int bandCount() {
        return card.bands().size();
    }

    public int classCount() {
        return card.classCount();
    }

    /** Whether the card's bands need each scene's sun elevation ({@link BandSpec#sunAngleCorrected()}). */
    public boolean needsSunElevation() {
        return sceneless == null;
    }

    /**
     * The card's scaling for a scene whose sun stood {@code sunElevation} degrees high (null: unknown).
     *
     * @throws IllegalArgumentException as {@link InputScaling#of(java.util.List, Double)}
     */
    public InputScaling scaling(Double sunElevation) {
        return sunElevation == null && sceneless != null ? sceneless : InputScaling.of(card.bands(), sunElevation);
    }

    /**
     * Class probabilities for {@code n} tiles of {@code height x width} pixels, of a model that needs no sun
     * elevation.
     *
     * @param raw raw raster values, band-sequential per tile: {@code raw[((t * C + b) * height + row) * width + col]}
     *            with the card's bands in order; exactly {@code n} tiles
     * @return probabilities laid out the same way with K classes: {@code [n][K][height][width]} flattened
     */
    public float[] predict(float[] raw, int n, int height, int width) {
        long inputSize = inputSize(n, height, width);
        if (raw.length != inputSize) {
            throw new IllegalArgumentException("raw holds " + raw.length + " values, expected " + inputSize + " ("
                    + n + " tiles x " + bandCount() + " bands x " + height + " x " + width + ")");
        }
        float[] probabilities = new float[Math.toIntExact(outputSize(n, height, width))];
        predict(scaling(null), raw, n, height, width, probabilities);
        return probabilities;
    }

    /**
     * As {@link #predict(float[], int, int, int)}, for the first {@code n} tiles of {@code raw} into the start of
     * {@code probabilities}: both may be longer, e.g. a caller's buffers sized for a full batch and reused. The
     * card's scaling goes straight into ONNX Runtime's input tensor, and its output is copied once, into
     * {@code probabilities}.
     */
    public void predict(float[] raw, int n, int height, int width, float[] probabilities) {
        predict(scaling(null), raw, n, height, width, probabilities);
    }

    /** As above, with a scene's scaling ({@link #scaling(Double)}). */
    public void predict(InputScaling scaling, float[] raw, int n, int height, int width, float[] probabilities) {
        if (scaling.bandCount() != bandCount()) {
            throw new IllegalArgumentException("a scaling of " + scaling.bandCount() + " bands for a model of "
                    + bandCount());
        }
        long inputSize = inputSize(n, height, width);
        long outputSize = outputSize(n, height, width);
        if (raw.length < inputSize) {
            throw new IllegalArgumentException("raw holds " + raw.length + " values, fewer than the " + inputSize
                    + " of " + n + " tiles x " + bandCount() + " bands x " + height + " x " + width);
        }
        if (probabilities.length < outputSize) {
            throw new IllegalArgumentException("room for " + probabilities.length + " probabilities, fewer than the "
                    + outputSize + " of " + n + " tiles x " + classCount() + " classes x " + height + " x " + width);
        }
        TensorBuffers buffers = borrowBuffers((int) inputSize, (int) outputSize);
        try {
            FloatBuffer input = buffers.input().slice(0, (int) inputSize);
            FloatBuffer output = buffers.output().slice(0, (int) outputSize);
            scaling.apply(raw, n, height * width, input);
            run(input, new long[]{n, bandCount(), height, width}, output,
                    new long[]{n, classCount(), height, width});
            output.get(0, probabilities, 0, (int) outputSize);
        } finally {
            idleBuffers.offer(buffers);
        }
    }

    private long inputSize(int n, int height, int width) {
        if (n < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("need at least one tile of at least 1x1 pixels, found " + n
                    + " tiles of " + width + "x" + height);
        }
        long inputSize = (long) n * bandCount() * Math.multiplyExact(height, width);
        if (outputSize(n, height, width) > Integer.MAX_VALUE || inputSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(n + " tiles of " + width + "x" + height + " give more than 2^31 "
                    + "values: predict in smaller batches");
        }
        return inputSize;
    }

    private long outputSize(int n, int height, int width) {
        return (long) n * classCount() * height * width;
    }

    private void run(FloatBuffer input, long[] inputShape, FloatBuffer output, long[] outputShape) {
        try (OnnxTensor inputTensor = OnnxTensor.createTensor(environment, input, inputShape);
             OnnxTensor outputTensor = OnnxTensor.createTensor(environment, output, outputShape)) {
            // A pinned output makes ORT write straight into our buffer; the result does not own it.
            session.run(Map.of(signature.inputName(), inputTensor), Map.of(signature.outputName(), outputTensor))
                    .close();
        } catch (OrtException e) {
            throw new ModelException(label + ": inference on input " + Arrays.toString(inputShape)
                    + " failed: " + e.getMessage(), e);
        }
    }

    private TensorBuffers borrowBuffers(int inputSize, int outputSize) {
        TensorBuffers buffers = idleBuffers.poll();
        if (buffers == null || buffers.input().capacity() < inputSize || buffers.output().capacity() < outputSize) {
            int inputCapacity = Math.max(inputSize, buffers == null ? 0 : buffers.input().capacity());
            int outputCapacity = Math.max(outputSize, buffers == null ? 0 : buffers.output().capacity());
            buffers = new TensorBuffers(directFloats(inputCapacity), directFloats(outputCapacity));
        }
        return buffers;
    }

    private static FloatBuffer directFloats(int count) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new ModelException(label + ": cannot close the ONNX Runtime session: " + e.getMessage(), e);
        }
        idleBuffers.clear();
    }

    private static void closeQuietly(OrtSession session, Exception cause) {
        try {
            session.close();
        } catch (OrtException e) {
            cause.addSuppressed(e);
        }
    }

    private record TensorBuffers(FloatBuffer input, FloatBuffer output) {
    }
}
