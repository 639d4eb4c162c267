package io.tileinfer.raster;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * One open GDAL dataset. Not thread-safe: GDAL allows concurrent use of distinct dataset handles, so
 * give each thread its own reader.
 */
public final class RasterReader implements AutoCloseable {

    private static final int GDT_FLOAT32 = DataType.FLOAT32.gdalCode();
    private static final long FLOAT_BYTES = Float.BYTES;
    private static final String READDIR_OPTION = "GDAL_DISABLE_READDIR_ON_OPEN";
    /** GDAL's GeoTIFF driver: the only one for bytes received over the network, and for our scratch rasters. */
    static final String GEOTIFF_DRIVER = "GTiff";

    private final String location;
    private final String gdalPath;
    private final String driver;
    private final int width;
    private final int height;
    private final int bandCount;
    private MemorySegment dataset;
    private RasterInfo info;
    /** Reused native buffer for the float[] reads; shared because a reader may be handed to another thread. */
    private Arena scratchArena;
    private MemorySegment scratch;

    private RasterReader(String location, String gdalPath, MemorySegment dataset) {
        this.location = location;
        this.gdalPath = gdalPath;
        this.dataset = dataset;
        this.driver = GdalBindings.driverShortName(dataset);
        this.width = GdalBindings.rasterXSize(dataset);
        this.height = GdalBindings.rasterYSize(dataset);
        this.bandCount = GdalBindings.rasterCount(dataset);
    }

    /**
     * Opens a local path, an http(s):// or s3:// URL, or a GDAL /vsi... path, read-only.
     *
     * @throws RasterException with GDAL's own explanation when GDAL cannot open it as a raster
     */
    public static RasterReader open(String location) {
        Gdal.init();
        String gdalPath = Gdal.vsiPath(location);
        // Bytes received over the network are opened as a GeoTIFF and nothing else: other formats can point at
        // the server's own files and URLs (a VRT's sources, above all).
        boolean received = MemoryFile.holds(gdalPath);
        Supplier<MemorySegment> open = () -> {
            try (Arena arena = Arena.ofConfined()) {
                GdalBindings.errorReset();
                MemorySegment dataset = GdalBindings.openEx(arena.allocateFrom(gdalPath),
                        GdalBindings.GDAL_OF_RASTER | GdalBindings.GDAL_OF_VERBOSE_ERROR,
                        received ? GdalBindings.stringList(arena, List.of(GEOTIFF_DRIVER)) : MemorySegment.NULL);
                if (dataset.address() == 0) {
                    throw GdalError.last().exception(location, gdalPath, received ? "cannot open as a GeoTIFF"
                            : "cannot open");
                }
                return dataset;
            }
        };
        // A remote scene has no sidecar worth a LIST or HEAD request per open; local files keep theirs.
        MemorySegment dataset = RemoteFailure.isRemote(gdalPath)
                ? GdalBindings.withThreadLocalOption(READDIR_OPTION, "EMPTY_DIR", open) : open.get();
        return new RasterReader(location, gdalPath, dataset);
    }

    /**
     * Makes the next open of a remote file fetch it again: GDAL's /vsicurl/ and /vsis3/ keep the file's size and
     * the blocks they downloaded for every dataset of the process. Does nothing for a local file.
     */
    public static void forgetCached(String location) {
        Gdal.init();
        String gdalPath = Gdal.vsiPath(location);
        if (RemoteFailure.isRemote(gdalPath)) {
            try (Arena arena = Arena.ofConfined()) {
                GdalBindings.vsiCurlPartialClearCache(arena.allocateFrom(gdalPath));
            }
        }
    }

    /** Whether a location is read over the network, where a failed read may succeed when tried again. */
    public static boolean isRemote(String location) {
        return RemoteFailure.isRemote(Gdal.vsiPath(location));
    }

    /** Size, bands, CRS, geotransform and metadata; computed on first call. */
    public RasterInfo info() {
        requireOpen();
        if (info == null) {
            info = describe();
        }
        return info;
    }

    private RasterInfo describe() {
        List<BandInfo> bands = new ArrayList<>(bandCount);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hasNoData = arena.allocate(JAVA_INT);
            MemorySegment blockWidth = arena.allocate(JAVA_INT);
            MemorySegment blockHeight = arena.allocate(JAVA_INT);
            for (int index = 1; index <= bandCount; index++) {
                MemorySegment band = GdalBindings.rasterBand(dataset, index);
                DataType type;
                try {
                    type = DataType.fromGdal(GdalBindings.rasterDataType(band));
                } catch (RasterException unsupported) {
                    throw new RasterException(location, "band " + index + ": " + unsupported.getMessage(),
                            unsupported);
                }
                hasNoData.set(JAVA_INT, 0, 0);
                double nodata = GdalBindings.rasterNoDataValue(band, hasNoData);
                GdalBindings.blockSize(band, blockWidth, blockHeight);
                bands.add(new BandInfo(index, type, hasNoData.get(JAVA_INT, 0) != 0 ? nodata : null,
                        GdalBindings.description(band),
                        blockWidth.get(JAVA_INT, 0), blockHeight.get(JAVA_INT, 0)));
            }
            String wkt = GdalBindings.projectionRef(dataset);
            Crs crs = wkt == null || wkt.isEmpty() ? null : Crs.fromDatasetWkt(wkt, location);
            MemorySegment gt = arena.allocate(JAVA_DOUBLE, 6);
            GeoTransform transform = GdalBindings.geoTransform(dataset, gt) == GdalBindings.CE_NONE
                    ? GeoTransform.fromGdal(gt.toArray(JAVA_DOUBLE))
                    : null;
            return new RasterInfo(location, driver, width, height, bands, crs, transform,
                    GdalBindings.metadata(dataset, null), GdalBindings.metadata(dataset, "IMAGE_STRUCTURE"));
        }
    }

    /**
     * Reads a window of the given bands (1-based) as float32, band-sequential:
     * {@code dst[b * w * h + row * w + col]}.
     *
     * @throws RasterException when the window or a band is outside the raster, or GDAL cannot read the
     *                         pixels (corrupt or truncated block, unsupported codec)
     */
    public void read(Window window, int[] bands, float[] dst) {
        long values = checkRequest(window, bands, dst.length);
        MemorySegment buffer = scratch(values * FLOAT_BYTES);
        readInto(window, bands, buffer);
        MemorySegment.copy(buffer, JAVA_FLOAT, 0, dst, 0, (int) values);
    }

    /**
     * Like {@link #read(Window, int[], float[])}, with GDAL writing straight into a direct buffer in
     * native byte order, from its position on; the buffer's position and limit are left unchanged.
     */
    public void read(Window window, int[] bands, FloatBuffer dst) {
        if (!dst.isDirect() || dst.order() != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException("the FloatBuffer must be direct and in native byte order "
                    + "(use read(Window, int[], float[]) for heap arrays)");
        }
        checkRequest(window, bands, dst.remaining());
        readInto(window, bands, MemorySegment.ofBuffer(dst));
    }

    /**
     * Reads the whole raster's band (1-based) resampled to {@code width x height} as float32, row by row. GDAL
     * takes the pixels from the overview closest to that size (nearest neighbour), so a quicklook of a large COG
     * reads a fraction of it.
     */
    public float[] readDownsampled(int band, int bufferWidth, int bufferHeight) {
        Window all = new Window(0, 0, width, height);
        if (bufferWidth < 1 || bufferHeight < 1 || bufferWidth > width || bufferHeight > height) {
            throw new IllegalArgumentException(bufferWidth + "x" + bufferHeight + " is not a size between 1x1 and "
                    + width + "x" + height);
        }
        checkRequest(all, new int[]{band}, Long.MAX_VALUE);
        long values = (long) bufferWidth * bufferHeight;
        float[] dst = new float[Math.toIntExact(values)];
        int status;
        GdalError failure;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(values * FLOAT_BYTES, 64);
            GdalBindings.errorReset();
            status = GdalBindings.datasetRasterIo(dataset, GdalBindings.GF_READ, all, buffer, bufferWidth,
                    bufferHeight, GDT_FLOAT32, 1, arena.allocateFrom(JAVA_INT, band), FLOAT_BYTES,
                    FLOAT_BYTES * bufferWidth, FLOAT_BYTES * values);
            failure = status == GdalBindings.CE_NONE ? null : GdalError.last();
            if (failure == null) {
                MemorySegment.copy(buffer, JAVA_FLOAT, 0, dst, 0, dst.length);
            }
        }
        if (failure != null) {
            throw failure.exception(location, gdalPath, "cannot read band " + band + " at " + bufferWidth + "x"
                    + bufferHeight);
        }
        return dst;
    }

    /**
     * Like {@link #read(Window, int[], float[])}, without the copy: the values stay in this reader's own native
     * buffer (float32 in native byte order, band-sequential), returned read-only and valid until the next read
     * or {@link #close()}.
     */
    public MemorySegment readNative(Window window, int[] bands) {
        long values = checkRequest(window, bands, Long.MAX_VALUE);
        MemorySegment buffer = scratch(values * FLOAT_BYTES).asSlice(0, values * FLOAT_BYTES);
        readInto(window, bands, buffer);
        return buffer.asReadOnly();
    }

    private long checkRequest(Window window, int[] bands, long capacity) {
        requireOpen();
        if (window.isEmpty() || window.x() < 0 || window.y() < 0
                || (long) window.x() + window.width() > width || (long) window.y() + window.height() > height) {
            throw new RasterException(location, window + " is not inside the " + width + "x" + height + " raster");
        }
        if (bands.length == 0) {
            throw new IllegalArgumentException("no band to read");
        }
        for (int band : bands) {
            if (band < 1 || band > bandCount) {
                throw new RasterException(location, "band " + band + " does not exist (the raster has "
                        + bandCount + " bands)");
            }
        }
        long values = window.pixels() * bands.length;
        if (capacity < values) {
            throw new IllegalArgumentException("the destination holds " + capacity + " floats, "
                    + values + " are needed for " + bands.length + " bands of " + window);
        }
        return values;
    }

    private void readInto(Window window, int[] bands, MemorySegment buffer) {
        int status;
        GdalError failure;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bandMap = arena.allocateFrom(JAVA_INT, bands);
            // GDAL's error state is per thread: reset and read it in this thread, around the one call.
            GdalBindings.errorReset();
            GdalMessages.Call call = GdalMessages.capture(gdalPath, () -> GdalBindings.datasetRasterIo(dataset,
                    GdalBindings.GF_READ, window, buffer, GDT_FLOAT32, bands.length, bandMap, FLOAT_BYTES,
                    FLOAT_BYTES * window.width(), FLOAT_BYTES * window.pixels()));
            status = call.status();
            failure = status == GdalBindings.CE_NONE ? null : GdalError.last(call.messages());
        }
        if (failure != null) {
            throw failure.exception(location, gdalPath, "cannot read bands " + Arrays.toString(bands) + " of "
                    + window);
        }
    }

    private MemorySegment scratch(long bytes) {
        if (scratch == null || scratch.byteSize() < bytes) {
            if (scratchArena != null) {
                scratchArena.close();
            }
            scratchArena = Arena.ofShared();
            scratch = scratchArena.allocate(bytes, 64);
        }
        return scratch;
    }

    /**
     * Cheap check that a TIFF is complete: every block (tile or strip) of the full-resolution image must end
     * within the file. Reads only the TIFF's block index, no pixels. Does nothing for other formats.
     *
     * @throws RasterException naming the first block that runs past the end of the file
     */
    public void checkIntegrity() {
        requireOpen();
        if (GEOTIFF_DRIVER.equals(driver)) {
            TiffBlockCheck.requireBlocksInsideFile(dataset, gdalPath, location, info());
        }
    }

    @Override
    public void close() {
        if (dataset != null) {
            GdalBindings.close(dataset);
            dataset = null;
        }
        if (scratchArena != null) {
            scratchArena.close();
            scratchArena = null;
            scratch = null;
        }
    }

    private void requireOpen() {
        if (dataset == null) {
            throw new IllegalStateException(location + ": the reader is closed");
        }
    }
}
