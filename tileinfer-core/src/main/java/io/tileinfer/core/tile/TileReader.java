package io.tileinfer.core.tile;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import io.tileinfer.core.Hashing;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.scene.SceneBand;
import io.tileinfer.raster.DataType;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.Window;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads tiles of one scene with windowed reads: memory is a few tile-sized buffers, whatever the scene's size.
 * Holds one GDAL dataset per file, so it belongs to one thread at a time.
 */
public final class TileReader implements AutoCloseable {

    /** The bands that one file contributes: file band indexes and their positions in the scene's band order. */
    private record FileBands(RasterReader reader, int[] fileBands, int[] positions) {
    }

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final Scene scene;
    private final Window bounds;
    private final int size;
    private final List<FileLocation> locations = new ArrayList<>();
    private final List<FileBands> files = new ArrayList<>();
    private final double[] nodata;
    /** Whether a band's values must be checked for nodata or NaN: not for integer bands without nodata. */
    private final boolean[] checked;
    private ByteBuffer hashBuffer = ByteBuffer.allocate(0);

    public TileReader(Scene scene, int size) {
        this.scene = scene;
        this.bounds = new Window(0, 0, scene.width(), scene.height());
        this.size = size;
        Map<String, List<Integer>> positionsByFile = new LinkedHashMap<>();
        List<SceneBand> bands = scene.bands();
        nodata = new double[bands.size()];
        checked = new boolean[bands.size()];
        for (int i = 0; i < bands.size(); i++) {
            positionsByFile.computeIfAbsent(bands.get(i).location(), k -> new ArrayList<>()).add(i);
            Double value = bands.get(i).nodata();
            nodata[i] = value == null ? Double.NaN : value;
            DataType type = bands.get(i).dataType();
            checked[i] = value != null || type == null || type == DataType.FLOAT32 || type == DataType.FLOAT64;
        }
        positionsByFile.forEach((location, positions) -> locations.add(new FileLocation(location,
                positions.stream().mapToInt(p -> bands.get(p).index()).toArray(),
                positions.stream().mapToInt(Integer::intValue).toArray())));
        openFiles();
    }

    /** Where one file's bands come from, to open it again. */
    private record FileLocation(String location, int[] fileBands, int[] positions) {
    }

    private void openFiles() {
        try {
            for (FileLocation file : locations) {
                // the location as the user wrote it: RasterReader maps it to GDAL's path, and its errors name it
                files.add(new FileBands(RasterReader.open(file.location()), file.fileBands(), file.positions()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Whether any of the scene's files is read over the network. */
    public boolean remote() {
        return locations.stream().anyMatch(f -> RasterReader.isRemote(f.location()));
    }

    /**
     * Closes the scene's datasets and forgets what GDAL cached of its remote files, so that the next read opens
     * them again and fetches its blocks for real: a dataset whose read failed keeps failing (GDAL keeps the short
     * block it got, in the dataset and in /vsicurl/'s cache), even once the network is fine again.
     */
    public void reopen() {
        close();
        for (FileLocation file : locations) {
            RasterReader.forgetCached(file.location());
        }
    }

    /** Values per tile: bands x size x size. */
    public int tileValues() {
        return scene.bands().size() * size * size;
    }

    public TileData read(Tile tile) {
        float[] raw = new float[tileValues()];
        TileData data = read(tile, raw, 0, true);
        return new TileData(tile, raw, data.valid(), data.validCorePixels(), data.inputSha256());
    }

    /**
     * Like {@link #read(Tile)}, with the raw values ({@link #tileValues()} of them, padding 0) written into
     * {@code dst} from {@code offset}, e.g. straight into a batch's model input; the returned data's
     * {@code raw} is null.
     */
    public TileData readInto(Tile tile, float[] dst, int offset) {
        return read(tile, dst, offset, false);
    }

    private TileData read(Tile tile, float[] dst, int offset, boolean zeroed) {
        if (files.isEmpty()) { // reopened
            openFiles();
        }
        Window input = tile.input();
        Window window = input.intersect(bounds);
        int plane = size * size;
        if (!zeroed && !window.equals(input)) {
            Arrays.fill(dst, offset, offset + tileValues(), 0f);
        }
        boolean[] valid = new boolean[plane];
        MessageDigest digest = Hashing.sha256Digest();
        int w = window.width();
        int h = window.height();
        int dx = window.x() - input.x();
        int dy = window.y() - input.y();
        for (int r = 0; r < h; r++) {
            Arrays.fill(valid, (dy + r) * size + dx, (dy + r) * size + dx + w, true);
        }
        for (FileBands file : files) {
            int count = file.fileBands().length;
            MemorySegment values = file.reader().readNative(window, file.fileBands());
            hash(digest, values);
            for (int b = 0; b < count; b++) {
                int position = file.positions()[b];
                int bandStart = offset + position * plane;
                for (int r = 0; r < h; r++) {
                    long src = ((long) b * w * h + (long) r * w) * Float.BYTES;
                    MemorySegment.copy(values, JAVA_FLOAT, src, dst, bandStart + (dy + r) * size + dx, w);
                }
                if (checked[position]) {
                    markInvalid(dst, bandStart, nodata[position], valid, dx, dy, w, h);
                }
            }
        }
        return new TileData(tile, null, valid, countValidCore(tile, valid),
                HexFormat.of().formatHex(digest.digest()));
    }

    private void markInvalid(float[] band, int bandStart, double noData, boolean[] valid, int dx, int dy, int w,
                             int h) {
        // Most tiles have neither: the smallest |v - nodata| says so in a reduction the JIT vectorises, about 3x
        // faster than the marking loop, which then has nothing to do. It is 0 where a value equals nodata and NaN
        // where one is NaN (or infinite like nodata): then the loop decides, exactly. Without a nodata (NaN) the
        // reduction looks at infinity, which only a NaN or +Infinity value does not stay apart from.
        float near = Double.isNaN(noData) ? Float.POSITIVE_INFINITY : (float) noData;
        float closest = Float.POSITIVE_INFINITY;
        for (int r = 0; r < h; r++) {
            int row = bandStart + (dy + r) * size + dx;
            for (int c = 0; c < w; c++) {
                closest = Math.min(closest, Math.abs(band[row + c] - near));
            }
        }
        if (closest > 0f) {
            return;
        }
        for (int r = 0; r < h; r++) {
            int row = (dy + r) * size + dx;
            for (int c = 0; c < w; c++) {
                float v = band[bandStart + row + c];
                if (v == noData || Float.isNaN(v)) {
                    valid[row + c] = false;
                }
            }
        }
    }

    private int countValidCore(Tile tile, boolean[] valid) {
        int x0 = tile.core().x() - tile.input().x();
        int y0 = tile.core().y() - tile.input().y();
        int count = 0;
        for (int r = 0; r < tile.core().height(); r++) {
            for (int c = 0; c < tile.core().width(); c++) {
                if (valid[(y0 + r) * size + x0 + c]) {
                    count++;
                }
            }
        }
        return count;
    }

    /** The hash covers the values read (float32, little-endian, band-sequential per file), not the padding. */
    private void hash(MessageDigest digest, MemorySegment values) {
        if (LITTLE_ENDIAN) {
            digest.update(values.asByteBuffer());
            return;
        }
        int bytes = (int) values.byteSize();
        if (hashBuffer.capacity() < bytes) {
            hashBuffer = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        hashBuffer.clear();
        hashBuffer.asFloatBuffer().put(values.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer());
        digest.update(hashBuffer.array(), 0, bytes);
    }

    @Override
    public void close() {
        for (FileBands file : files) {
            file.reader().close();
        }
        files.clear();
    }
}
