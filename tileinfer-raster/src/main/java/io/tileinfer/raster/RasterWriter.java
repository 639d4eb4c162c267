package io.tileinfer.raster;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Builds a Cloud-Optimized GeoTIFF: windows are written into a scratch tiled GeoTIFF on disk, which
 * {@link #finishCog(Path)} converts with GDAL's COG driver. Writes may come from several threads (they are
 * serialised: a GDAL dataset handle must not be used concurrently).
 *
 * <p>The scratch is either temporary ({@link #create}: deleted on close) or kept ({@link #keep}): a BYTE raster
 * whose every block has its place in the file from its creation, written straight into its blocks, so that what was
 * written survives the process and a later one can go on writing into it.
 */
public final class RasterWriter implements AutoCloseable {
    /** The block size of the COGs written ({@link #finishCog}), and of a temporary scratch raster. */
    public static final int COG_BLOCK = 256;

    /** Below this, a write that failed most likely failed for want of space. */
    private static final long LOW_SPACE_BYTES = 1 << 20;
    /**
     * Uncompressed, so that a block written twice is rewritten in place rather than appended; band-interleaved,
     * so that writing one band never reads back the others; sparse, so that unwritten blocks cost nothing and
     * read as nodata.
     */
    private static final List<String> SCRATCH_OPTIONS = List.of("TILED=YES", "BLOCKXSIZE=" + COG_BLOCK,
            "BLOCKYSIZE=" + COG_BLOCK,
            "INTERLEAVE=BAND", "SPARSE_OK=TRUE", "BIGTIFF=IF_NEEDED",
            // Bands are data (classes, probabilities), not colours: GDAL would call 3 bytes RGB.
            "PHOTOMETRIC=MINISBLACK");

    private final Path scratchPath;
    private final boolean kept;
    private final String location;
    private final int width;
    private final int height;
    private final int bandCount;
    private final DataType type;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment bandMap = arena.allocate(JAVA_INT);
    private MemorySegment staging = MemorySegment.NULL;
    private MemorySegment dataset;
    private BlockWrites blocks; // a kept scratch's BYTE windows are written into their blocks directly

    private RasterWriter(Path scratchPath, boolean kept, MemorySegment dataset, int width, int height, int bandCount,
                         DataType type) {
        this.scratchPath = scratchPath;
        this.kept = kept;
        this.location = scratchPath.toString();
        this.dataset = dataset;
        this.width = width;
        this.height = height;
        this.bandCount = bandCount;
        this.type = type;
    }

    /**
     * Creates the scratch GeoTIFF (replacing any file at that path).
     *
     * @param transform may be null for a raster without georeferencing
     * @param crs       may be null for a raster without a CRS
     * @param nodata    declared on every band when not null
     */
    public static RasterWriter create(Path scratch, int width, int height, int bandCount, DataType type,
                                      GeoTransform transform, Crs crs, Double nodata) {
        Gdal.init();
        String location = scratch.toString();
        if (width <= 0 || height <= 0 || bandCount <= 0) {
            throw new RasterException(location, "cannot create a " + width + "x" + height + " raster of "
                    + bandCount + " bands");
        }
        MemorySegment dataset = createGtiff(location, width, height, bandCount, type, SCRATCH_OPTIONS, location);
        RasterWriter writer = new RasterWriter(scratch, false, dataset, width, height, bandCount, type);
        try {
            writer.georeference(transform, crs, nodata);
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
        return writer;
    }

    /**
     * Opens the kept scratch raster at {@code file}, creating it first if there is none. A new one is an uncompressed
     * tiled GeoTIFF whose every block is allocated (sparse, so it costs no disk until written) and described when it
     * is created: writes then land in their blocks' places in the file and never touch its directory, so a process
     * killed at any moment leaves every window it wrote readable. It is built under a temporary name and linked into place,
     * so {@code file} is never half made; of two processes creating it at once, both use the first one's.
     *
     * @throws RasterException if the file exists but cannot be opened, or holds another layout than {@code layout}
     */
    public static RasterWriter keep(Path file, RasterLayout layout) {
        if (layout.type() != DataType.BYTE) {
            throw new IllegalArgumentException(file + ": a kept scratch raster is BYTE, found " + layout.type());
        }
        Gdal.init();
        if (!Files.exists(file)) {
            createKept(file, layout);
        }
        MemorySegment dataset = openForUpdate(file.toString(), "cannot open the scratch raster for writing");
        RasterWriter writer = new RasterWriter(file, true, dataset, GdalBindings.rasterXSize(dataset),
                GdalBindings.rasterYSize(dataset), GdalBindings.rasterCount(dataset), layout.type());
        try {
            writer.requireLayout(layout);
            writer.blocks = BlockWrites.open(file, dataset, writer.width, writer.height, writer.bandCount,
                    layout.blockSize());
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
        return writer;
    }

    private static void createKept(Path file, RasterLayout layout) {
        Path temporary = file.resolveSibling(file.getFileName() + ".creating-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            throw new RasterException(file.toString(), "cannot prepare the scratch raster: " + e, e);
        }
        String block = Integer.toString(layout.blockSize());
        List<String> options = List.of("TILED=YES", "BLOCKXSIZE=" + block, "BLOCKYSIZE=" + block, "INTERLEAVE=BAND",
                // Closing the new file then gives every block its offset (extending the file, sparse, when no nodata
                // is declared yet: nodata is set afterwards so that GDAL does not write it into every block).
                "SPARSE_OK=FALSE", "BIGTIFF=IF_NEEDED", "PHOTOMETRIC=MINISBLACK");
        String location = temporary.toString();
        MemorySegment dataset = createGtiff(location, layout.width(), layout.height(), layout.bandCount(),
                layout.type(), options, file.toString());
        RasterWriter describing = new RasterWriter(temporary, false, dataset, layout.width(), layout.height(),
                layout.bandCount(), layout.type());
        try {
            describing.georeference(layout.transform(), layout.crs(), null);
            for (int b = 0; b < layout.bandCount(); b++) {
                describing.setBandDescription(b + 1, layout.bandNames().get(b));
            }
            layout.metadata().forEach(describing::setMetadata);
            describing.closeDataset("cannot allocate the scratch raster's blocks");
            if (layout.nodata() != null) {
                describing.dataset = openForUpdate(location, "cannot reopen the new scratch raster");
                describing.georeference(null, null, layout.nodata());
                describing.closeDataset("cannot declare nodata on the scratch raster");
            }
            Files.createLink(file, temporary);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // another process made it first: it has the same layout (checked when opened)
        } catch (IOException e) {
            throw new RasterException(file.toString(), "cannot move the new scratch raster into place: " + e, e);
        } finally {
            describing.close(); // deletes the temporary name; the linked file stays
        }
    }

    /** A new GeoTIFF at {@code location}; a failure names {@code reported} (the file the caller asked for). */
    private static MemorySegment createGtiff(String location, int width, int height, int bandCount, DataType type,
                                             List<String> options, String reported) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment driver = driver(RasterReader.GEOTIFF_DRIVER, location);
            GdalBindings.errorReset();
            MemorySegment dataset = GdalBindings.create(driver, arena.allocateFrom(location), width, height,
                    bandCount, type.gdalCode(), GdalBindings.stringList(arena, options));
            if (dataset.address() == 0) {
                throw new RasterException(reported, "cannot create the scratch raster: "
                        + GdalBindings.lastErrorMessage());
            }
            return dataset;
        }
    }

    private static MemorySegment openForUpdate(String location, String failure) {
        try (Arena arena = Arena.ofConfined()) {
            GdalBindings.errorReset();
            MemorySegment dataset = GdalBindings.openEx(arena.allocateFrom(location), GdalBindings.GDAL_OF_RASTER
                    | GdalBindings.GDAL_OF_UPDATE | GdalBindings.GDAL_OF_VERBOSE_ERROR,
                    GdalBindings.stringList(arena, List.of(RasterReader.GEOTIFF_DRIVER))); // our own scratch GeoTIFF
            if (dataset.address() == 0) {
                throw new RasterException(location, failure + ": " + GdalBindings.lastErrorMessage());
            }
            return dataset;
        }
    }

    private void requireLayout(RasterLayout layout) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment band = GdalBindings.rasterBand(dataset, 1);
            MemorySegment blockWidth = arena.allocate(JAVA_INT);
            MemorySegment blockHeight = arena.allocate(JAVA_INT);
            GdalBindings.blockSize(band, blockWidth, blockHeight);
            int found = GdalBindings.rasterDataType(band);
            String blocks = blockWidth.get(JAVA_INT, 0) + "x" + blockHeight.get(JAVA_INT, 0);
            if (width != layout.width() || height != layout.height() || bandCount != layout.bandCount()
                    || found != layout.type().gdalCode()
                    || !blocks.equals(layout.blockSize() + "x" + layout.blockSize())) {
                throw new RasterException(location, "holds a " + width + "x" + height + " raster of " + bandCount
                        + " bands of GDAL type " + found + " in " + blocks + " blocks, expected " + layout.width()
                        + "x" + layout.height() + ", " + layout.bandCount() + " bands of " + layout.type() + " (GDAL "
                        + "type " + layout.type().gdalCode() + ") in " + layout.blockSize() + " px blocks");
            }
        }
    }

    private void georeference(GeoTransform transform, Crs crs, Double nodata) {
        try (Arena arena = Arena.ofConfined()) {
            if (transform != null) {
                MemorySegment gt = arena.allocateFrom(JAVA_DOUBLE, transform.toGdal());
                GdalBindings.errorReset();
                check(GdalBindings.setGeoTransform(dataset, gt), "cannot set the geotransform");
            }
            if (crs != null) {
                GdalBindings.errorReset();
                check(GdalBindings.setProjection(dataset, arena.allocateFrom(crs.wkt())), "cannot set the CRS");
            }
            if (nodata != null) {
                for (int band = 1; band <= bandCount; band++) {
                    GdalBindings.errorReset();
                    check(GdalBindings.setRasterNoDataValue(GdalBindings.rasterBand(dataset, band), nodata),
                            "cannot set nodata on band " + band);
                }
            }
        }
    }

    /** Band description (e.g. a class name), kept in the COG. */
    public synchronized void setBandDescription(int band, String description) {
        requireOpen();
        checkBand(band);
        try (Arena arena = Arena.ofConfined()) {
            GdalBindings.setDescription(GdalBindings.rasterBand(dataset, band), arena.allocateFrom(description));
        }
    }

    /** A default-domain metadata item, kept in the COG. */
    public synchronized void setMetadata(String key, String value) {
        requireOpen();
        try (Arena arena = Arena.ofConfined()) {
            GdalBindings.errorReset();
            check(GdalBindings.setMetadataItem(dataset, arena.allocateFrom(key), arena.allocateFrom(value),
                    MemorySegment.NULL), "cannot set metadata " + key);
        }
    }

    /**
     * Writes one band of a window of a BYTE raster; {@code data} is row-major, {@code w.width()} per row. Into a kept
     * scratch the bytes go straight to the file, without a lock: once this returns they outlive the process.
     */
    public void write(Window w, int band, byte[] data) {
        if (blocks != null) {
            checkWrite(w, band, data.length, DataType.BYTE);
            blocks.write(w, band, data);
            return;
        }
        writeThroughGdal(w, band, data);
    }

    private synchronized void writeThroughGdal(Window w, int band, byte[] data) {
        checkWrite(w, band, data.length, DataType.BYTE);
        MemorySegment buffer = staging(data.length);
        MemorySegment.copy(data, 0, buffer, JAVA_BYTE, 0, data.length);
        writeStaged(w, band, DataType.BYTE);
    }

    /** Writes one band of a window of a FLOAT32 raster; {@code data} is row-major, {@code w.width()} per row. */
    public synchronized void write(Window w, int band, float[] data) {
        checkWrite(w, band, data.length, DataType.FLOAT32);
        MemorySegment buffer = staging((long) data.length * Float.BYTES);
        MemorySegment.copy(data, 0, buffer, JAVA_FLOAT, 0, data.length);
        writeStaged(w, band, DataType.FLOAT32);
    }

    private void checkWrite(Window w, int band, int length, DataType bufferType) {
        requireOpen();
        if (type != bufferType) {
            throw new IllegalArgumentException(location + ": " + bufferType + " data given for a " + type + " raster");
        }
        checkBand(band);
        if (w.isEmpty() || w.x() < 0 || w.y() < 0
                || (long) w.x() + w.width() > width || (long) w.y() + w.height() > height) {
            throw new RasterException(location, w + " is not inside the " + width + "x" + height + " raster");
        }
        if (length != w.pixels()) {
            throw new IllegalArgumentException(location + ": " + length + " values given for the "
                    + w.pixels() + " pixels of " + w);
        }
    }

    private void writeStaged(Window w, int band, DataType bufferType) {
        bandMap.set(JAVA_INT, 0, band);
        long pixelBytes = bufferType.bytes();
        GdalBindings.errorReset();
        int status = GdalBindings.datasetRasterIo(dataset, GdalBindings.GF_WRITE, w, staging,
                bufferType.gdalCode(), 1, bandMap, pixelBytes, pixelBytes * w.width(), pixelBytes * w.pixels());
        check(status, "cannot write band " + band + " of " + w);
    }

    private MemorySegment staging(long bytes) {
        if (staging.byteSize() < bytes) {
            staging = arena.allocate(bytes, 64); // grows rarely: windows usually share one size
        }
        return staging;
    }

    /**
     * Writes every block written through GDAL so far into the file (a kept scratch's windows are there already).
     */
    private synchronized void flush() {
        requireOpen();
        GdalBindings.errorReset();
        GdalBindings.flushCache(dataset);
        if (GdalBindings.lastErrorType() >= GdalBindings.CE_FAILURE) {
            throw new RasterException(location, "cannot flush the scratch raster: " + GdalBindings.lastErrorMessage());
        }
    }

    /** {@link #finishCog(Path, int)} with one thread. */
    public synchronized void finishCog(Path target) {
        finishCog(target, 1);
    }

    /**
     * Flushes the scratch file, converts it with GDAL's COG driver (DEFLATE, 256 px blocks, overviews) to
     * {@code target + ".tmp"}, moves that atomically to {@code target} and closes the scratch (deleting it unless it
     * is {@linkplain #keep kept}). {@code threads} compress blocks in parallel (GDAL's NUM_THREADS); GDAL writes the blocks in the same
     * order whatever their number, so the same pixels give the same bytes (tested).
     */
    public synchronized void finishCog(Path target, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, found " + threads);
        }
        requireOpen();
        String targetLocation = target.toString();
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        flush();
        boolean categorical = type == DataType.BYTE;
        List<String> options = List.of("COMPRESS=DEFLATE", "BLOCKSIZE=" + COG_BLOCK, "OVERVIEWS=AUTO",
                // Differencing helps smooth scores; on class maps and percent bands it made the demo's COG 19 %
                // larger and W1's 2.8x larger, and took 0.4 s more on W1 (docs/benchmarks.md).
                "PREDICTOR=" + (categorical ? "NO" : "YES"),
                // Categories (BYTE) must not be blended into values that are no class; scores may be averaged.
                "RESAMPLING=" + (categorical ? "NEAREST" : "AVERAGE"),
                "NUM_THREADS=" + threads, "BIGTIFF=IF_SAFER");
        String failure = null;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment driver = driver("COG", targetLocation);
            GdalBindings.errorReset();
            MemorySegment cog = GdalBindings.createCopy(driver, call.allocateFrom(temporary.toString()), dataset,
                    true, GdalBindings.stringList(call, options));
            if (cog.address() == 0) {
                failure = GdalBindings.lastErrorMessage();
            } else {
                GdalBindings.close(cog); // writes the remaining blocks: its errors count too
                if (GdalBindings.lastErrorType() >= GdalBindings.CE_FAILURE) {
                    failure = GdalBindings.lastErrorMessage();
                }
            }
        }
        if (failure != null) {
            RasterException error = new RasterException(targetLocation, "cannot write the COG: " + failure
                    + lowSpace(temporary));
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                error.addSuppressed(e);
            }
            throw error;
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RasterException(targetLocation, "cannot move " + temporary.getFileName() + " into place: " + e,
                    e);
        }
        close();
    }

    /**
     * GDAL's last words on a full disk are those of the step that then failed ("TIFFRewriteDirectory: Error fetching
     * directory count"), not why: said here while the partial file still holds the space.
     */
    private static String lowSpace(Path written) {
        try {
            long free = Files.getFileStore(written.toAbsolutePath().getParent()).getUsableSpace();
            return free < LOW_SPACE_BYTES ? "; its file system has " + free / 1024 + " KiB free: out of space?" : "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Closes the scratch dataset (after {@link #finishCog}, or abandoning it) and deletes a temporary scratch file;
     * a kept one keeps what was written.
     */
    @Override
    public synchronized void close() {
        if (dataset == null) {
            return;
        }
        if (blocks != null) {
            blocks.close();
            blocks = null;
        }
        if (dataset.address() != 0) { // NULL: closed already while being created
            GdalBindings.close(dataset);
        }
        dataset = null;
        arena.close();
        if (kept) {
            return;
        }
        try {
            Files.deleteIfExists(scratchPath);
        } catch (IOException e) {
            throw new RasterException(location, "cannot delete the scratch GeoTIFF: " + e, e);
        }
    }

    /** Closes the dataset, which writes what it holds: its errors count. The writer stays usable for reopening. */
    private void closeDataset(String what) {
        GdalBindings.errorReset();
        GdalBindings.close(dataset);
        dataset = MemorySegment.NULL;
        if (GdalBindings.lastErrorType() >= GdalBindings.CE_FAILURE) {
            throw new RasterException(location, what + ": " + GdalBindings.lastErrorMessage());
        }
    }

    private static MemorySegment driver(String name, String location) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment driver = GdalBindings.driverByName(arena.allocateFrom(name));
            if (driver.address() == 0) {
                throw new RasterException(location, "this GDAL (" + Gdal.version() + ") has no " + name
                        + " driver; tileinfer needs GDAL 3.1 or later with GeoTIFF support");
            }
            return driver;
        }
    }

    private void check(int status, String what) {
        if (status != GdalBindings.CE_NONE) {
            throw new RasterException(location, what + ": " + GdalBindings.lastErrorMessage());
        }
    }

    private void checkBand(int band) {
        if (band < 1 || band > bandCount) {
            throw new RasterException(location, "band " + band + " does not exist (the raster has "
                    + bandCount + " bands)");
        }
    }

    private void requireOpen() {
        if (dataset == null) {
            throw new IllegalStateException(location + ": the writer is closed or finished");
        }
    }
}
