package io.tileinfer.bench;

import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileData;
import io.tileinfer.core.tile.TileReader;
import io.tileinfer.raster.RasterReader;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Reads every tile window of a raster with tileinfer's readers, the counterpart of bench/perf/gdal_windows.c
 * (same windows, same float32 band-sequential buffers, same batches of 8 per thread, same checksum: each window's
 * first value, or with {@code sum} the sum of all values as integers, for run.sh's untimed check that both read the
 * same values). Modes: {@code raster} is {@link RasterReader#readNative} alone (the call TileReader
 * makes: GDAL writes into the reader's native buffer, as the C loop's malloc'd one),
 * {@code tile} is the pipeline's {@link TileReader#read} (adds the validity mask, padding, input SHA-256).
 * <pre>java -cp ... io.tileinfer.bench.DecodeBench FILE SIZE THREADS raster|tile [REPEATS [sum]]</pre>
 * Prints one line per repeat: seconds, windows, scene pixels, checksum.
 */
public final class DecodeBench {

    public static void main(String[] args) throws Exception {
        String file = args[0];
        int size = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        String mode = args[3];
        int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        boolean sumAll = args.length > 5 && args[5].equals("sum");
        BenchScene bench = BenchScene.open(file, size, 0);
        List<Tile> tiles = bench.tiles();
        int[] bands = bench.bandIndexes();
        for (int i = 0; i < repeats; i++) {
            Parallel.Result result = Parallel.run(threads, tiles.size(), t -> switch (mode) {
                case "raster" -> rasterWorker(file, tiles, bands, sumAll);
                case "tile" -> tileWorker(bench, tiles, size, sumAll);
                default -> throw new IllegalArgumentException("mode " + mode + ": expected raster or tile");
            });
            System.out.printf("%.3f %d %d %d%n", result.seconds(), tiles.size(),
                    (long) bench.scene().width() * bench.scene().height(), result.checksum());
        }
    }

    private static Parallel.Worker rasterWorker(String file, List<Tile> tiles, int[] bands, boolean sumAll) {
        RasterReader reader = RasterReader.open(file);
        return new Parallel.Worker() {
            @Override
            public long batch(int from, int to) {
                long sum = 0;
                for (int i = from; i < to; i++) {
                    MemorySegment values = reader.readNative(tiles.get(i).core(), bands);
                    long n = sumAll ? values.byteSize() / Float.BYTES : 1;
                    for (long p = 0; p < n; p++) {
                        sum += (long) values.getAtIndex(ValueLayout.JAVA_FLOAT, p);
                    }
                }
                return sum;
            }

            @Override
            public void close() {
                reader.close();
            }
        };
    }

    private static Parallel.Worker tileWorker(BenchScene bench, List<Tile> tiles, int size, boolean sumAll) {
        TileReader reader = new TileReader(bench.scene(), size);
        return new Parallel.Worker() {
            @Override
            public long batch(int from, int to) {
                long sum = 0;
                for (int i = from; i < to; i++) {
                    TileData data = reader.read(tiles.get(i));
                    sum += sumAll ? sum(data.raw(), data.raw().length) : (long) data.raw()[0]; // padding is 0
                }
                return sum;
            }

            @Override
            public void close() {
                reader.close();
            }
        };
    }

    static long sum(float[] values, int count) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += (long) values[i];
        }
        return sum;
    }

    private DecodeBench() {
    }
}
