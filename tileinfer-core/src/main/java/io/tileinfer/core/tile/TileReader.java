package io.tileinfer.core.tile;

import io.tileinfer.core.Hashing;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.scene.SceneBand;
import io.tileinfer.raster.Gdal;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.Window;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
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

    private final Scene scene;
    private final int size;
    private final List<FileBands> files = new ArrayList<>();
    private final double[] nodata;
    private float[] scratch = new float[0];
    private ByteBuffer hashBuffer = ByteBuffer.allocate(0);

    public TileReader(Scene scene, int size) {
        this.scene = scene;
        this.size = size;
        Map<String, List<Integer>> positionsByFile = new LinkedHashMap<>();
        List<SceneBand> bands = scene.bands();
        nodata = new double[bands.size()];
        for (int i = 0; i < bands.size(); i++) {
            positionsByFile.computeIfAbsent(bands.get(i).location(), k -> new ArrayList<>()).add(i);
            Double value = bands.get(i).nodata();
            nodata[i] = value == null ? Double.NaN : value;
        }
        try {
            positionsByFile.forEach((location, positions) -> {
                int[] pos = positions.stream().mapToInt(Integer::intValue).toArray();
                int[] fileBands = positions.stream().mapToInt(p -> bands.get(p).index()).toArray();
                files.add(new FileBands(RasterReader.open(Gdal.vsiPath(location)), fileBands, pos));
            });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public TileData read(Tile tile) {
        Window input = tile.input();
        Window window = input.intersect(new Window(0, 0, scene.width(), scene.height()));
        int bandCount = scene.bands().size();
        int plane = size * size;
        float[] raw = new float[bandCount * plane];
        boolean[] valid = new boolean[plane];
        MessageDigest digest = Hashing.sha256Digest();
        int w = window.width();
        int h = window.height();
        int dx = window.x() - input.x();
        int dy = window.y() - input.y();
        for (int r = 0; r < h; r++) {
            java.util.Arrays.fill(valid, (dy + r) * size + dx, (dy + r) * size + dx + w, true);
        }
        for (FileBands file : files) {
            int count = file.fileBands().length;
            if (scratch.length < count * w * h) {
                scratch = new float[count * w * h];
            }
            file.reader().read(window, file.fileBands(), scratch);
            hash(digest, scratch, count * w * h);
            for (int b = 0; b < count; b++) {
                int position = file.positions()[b];
                double noData = nodata[position];
                for (int r = 0; r < h; r++) {
                    int src = b * w * h + r * w;
                    int dst = (dy + r) * size + dx;
                    System.arraycopy(scratch, src, raw, position * plane + dst, w);
                    for (int c = 0; c < w; c++) {
                        float v = scratch[src + c];
                        if (v == noData || Float.isNaN(v)) {
                            valid[dst + c] = false;
                        }
                    }
                }
            }
        }
        return new TileData(tile, raw, valid, countValidCore(tile, valid), HexFormat.of().formatHex(digest.digest()));
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
    private void hash(MessageDigest digest, float[] values, int count) {
        if (hashBuffer.capacity() < count * Float.BYTES) {
            hashBuffer = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
        hashBuffer.clear();
        hashBuffer.asFloatBuffer().put(values, 0, count);
        digest.update(hashBuffer.array(), 0, count * Float.BYTES);
    }

    @Override
    public void close() {
        for (FileBands file : files) {
            file.reader().close();
        }
        files.clear();
    }
}
