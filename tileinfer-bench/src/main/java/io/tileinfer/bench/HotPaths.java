package io.tileinfer.bench;

import io.tileinfer.core.output.BlendedScene;
import io.tileinfer.core.output.PredictionChunks;
import io.tileinfer.core.output.ProbabilityChunks;
import io.tileinfer.core.output.SceneScratch;
import io.tileinfer.core.output.Postprocessor;
import io.tileinfer.core.output.TilePrediction;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileData;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.core.tile.TileReader;
import io.tileinfer.model.BandSpec;
import io.tileinfer.model.InputScaling;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.Window;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * JMH micro-benchmarks of the batch's hot paths, per 256 x 256 tile of 4 bands: window decode (GDAL through
 * the FFM binding), the pipeline's tile read (decode + validity + SHA-256), the card's scaling into the direct
 * input tensor, post-processing (argmax, percent probabilities, crop), the prediction's write into the scene's
 * scratch raster (local runs), a prediction chunk's write and read (Spark executors, and the driver folding
 * their chunks in), and blend stitching: a tile's probability chunk written, and the blending of a scene's chunks
 * into its output bands, per tile. Run by bench/perf/run.sh (or {@code java -cp ... org.openjdk.jmh.Main
 * HotPaths}); the input is a real 4-band COG, {@code -Dbench.file=...} (default the shared sample's
 * {@code l8_rgbn_cog.tif}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class HotPaths {
    static final int SIZE = 256;
    static final int BANDS = 4;
    static final int CLASSES = 2;

    private RasterReader reader;
    private TileReader tileReader;
    private Tile tile;
    private final int[] bandMap = {1, 2, 3, 4};
    private final float[] window = new float[BANDS * SIZE * SIZE];
    private InputScaling scaling;
    private float[] raw;
    private FloatBuffer tensor;
    private Postprocessor postprocessor;
    private TileData data;
    private float[] probabilities;
    private PredictionChunks chunks;
    private SceneScratch scratch;
    private List<Tile> fullTiles;
    private TilePrediction prediction;
    private Path chunkDir;
    /** A blended scene of BLEND_TILES tiles of 256 px with a 32 px overlap, as W1's blend runs are cut. */
    static final int BLEND_TILES = 25;
    private TileGrid blendGrid;
    private List<Tile> blendTiles;
    private ProbabilityChunks probabilityChunks;
    private BlendedScene blended;
    private TileData blendData;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String file = System.getProperty("bench.file", "data/sample/geotiff-variants/l8_rgbn_cog.tif");
        reader = RasterReader.open(file);
        BenchScene bench = BenchScene.open(file, SIZE, 0);
        tileReader = new TileReader(bench.scene(), SIZE);
        tile = bench.tiles().getFirst();
        scaling = InputScaling.of(List.of(band("a"), band("b"), band("c"), band("d")), 30.0); // W1's, in run.sh
        raw = new float[8 * BANDS * SIZE * SIZE];
        Random random = new Random(42);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = random.nextInt(20000);
        }
        tensor = ByteBuffer.allocateDirect(raw.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        postprocessor = new Postprocessor(CLASSES, SIZE, true);
        data = tileReader.read(tile);
        probabilities = new float[CLASSES * SIZE * SIZE];
        for (int p = 0; p < SIZE * SIZE; p++) {
            // smooth, like a real model's output (random bytes would make the chunks' DEFLATE look slow)
            int x = p % SIZE;
            int y = p / SIZE;
            probabilities[p] = (float) (0.5 + 0.5 * Math.sin(x / 23.0) * Math.cos(y / 31.0));
            probabilities[SIZE * SIZE + p] = 1 - probabilities[p];
        }
        chunkDir = Files.createTempDirectory("tileinfer-jmh");
        chunks = new PredictionChunks(chunkDir);
        prediction = postprocessor.crop(data, probabilities, 0);
        chunks.write(prediction); // for chunkRead
        scratch = SceneScratch.open(chunkDir.resolve("scratch.tif"), bench.scene(), SIZE, // a crop's: blocks of a core
                List.of("class", "p_a", "p_b"), Map.of());
        fullTiles = bench.tiles().stream().filter(t -> t.core().pixels() == SIZE * SIZE).toList();

        blendGrid = new TileGrid(5 * 224, 5 * 224, SIZE, 0, 32);
        blendTiles = blendGrid.tiles("blend");
        probabilityChunks = new ProbabilityChunks(chunkDir.resolve("probabilities"));
        for (Tile t : blendTiles) {
            TileData at = new TileData(t, data.raw(), data.valid(), data.validCorePixels(), data.inputSha256());
            probabilityChunks.write(new TilePrediction(t, prediction.bands(), prediction.classCounts(),
                    postprocessor.kept(at, probabilities, 0)));
        }
        Set<String> predicted = blendTiles.stream().map(Tile::id).collect(Collectors.toSet());
        blended = new BlendedScene(blendGrid, blendTiles, predicted, probabilityChunks, CLASSES, true);
        blendData = new TileData(blendTiles.get(6), data.raw(), data.valid(), data.validCorePixels(),
                data.inputSha256());
    }

    /** A band as the benchmark model's card has it: Landsat reflectance, corrected for the sun angle. */
    private static BandSpec band(String name) {
        return new BandSpec(name, null, 2.0e-5, -0.1, null, true);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        scratch.close();
        reader.close();
        tileReader.close();
        try (Stream<Path> files = Files.walk(chunkDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** GDAL decode of one 256 px window, 4 bands, to float32 (RasterReader.read). */
    @Benchmark
    public float[] windowDecode() {
        reader.read(new Window(0, 0, SIZE, SIZE), bandMap, window);
        return window;
    }

    /** The pipeline's tile read: decode, validity mask, padding, SHA-256 of the values. */
    @Benchmark
    public TileData tileRead() {
        return tileReader.read(tile);
    }

    /** The card's scaling of a batch of 8 tiles into the direct input tensor, per batch. */
    @Benchmark
    public FloatBuffer preprocessBatchOf8() {
        scaling.apply(raw, 8, SIZE * SIZE, tensor);
        return tensor;
    }

    /** Argmax, percent probabilities, class counts, crop to the core. */
    @Benchmark
    public TilePrediction postprocess() {
        return postprocessor.crop(data, probabilities, 0);
    }

    private int written;

    /**
     * Stitching in a local run: the tile's prediction written into its place in the scene's scratch raster.
     */
    @Benchmark
    public int scratchWrite() throws IOException {
        Tile at = fullTiles.get(written++ % fullTiles.size());
        scratch.write(new TilePrediction(at, prediction.bands(), prediction.classCounts()));
        return written;
    }

    /**
     * Stitching on Spark, first half: the tile's prediction written as a new chunk (temporary file, atomic
     * rename), under a new tile id each time as in a run (replacing a file costs more on some file systems).
     */
    @Benchmark
    public Path chunkWrite() throws IOException {
        Tile next = new Tile(tile.id() + "_" + written++, tile.index(), tile.core(), tile.input());
        chunks.write(new TilePrediction(next, prediction.bands(), prediction.classCounts()));
        return chunks.file(next);
    }

    /** Stitching on Spark, second half: the chunk read back by the driver. */
    @Benchmark
    public byte[][] chunkRead() throws IOException {
        return chunks.read(tile);
    }

    /**
     * Blend stitching, a worker's part: an interior tile's probabilities over its kept window, written as a new chunk.
     */
    @Benchmark
    public float[][] blendChunkWrite() throws IOException {
        float[][] kept = postprocessor.kept(blendData, probabilities, 0);
        Tile at = blendData.tile();
        Tile next = new Tile(at.id() + "_" + written++, at.index(), at.core(), at.kept(), at.input()); // a new file
        probabilityChunks.write(new TilePrediction(next, prediction.bands(), prediction.classCounts(), kept));
        return kept;
    }

    private long blendedBytes;

    /**
     * Blend stitching, the assembly: every chunk of a 5 x 5 tile scene read back and blended into the output bands
     * (written nowhere), per tile.
     */
    @Benchmark
    @OperationsPerInvocation(BLEND_TILES)
    public long blendAssembly() throws IOException {
        blended.writeInto(256, (window, bands) -> blendedBytes += bands[0][0] + bands.length);
        return blendedBytes;
    }
}
