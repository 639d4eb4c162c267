package io.tileinfer.core.output;

import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.tile.Tile;
import io.tileinfer.core.tile.TileGrid;
import io.tileinfer.raster.DataType;
import io.tileinfer.raster.RasterException;
import io.tileinfer.raster.RasterLayout;
import io.tileinfer.raster.RasterWriter;
import io.tileinfer.raster.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A scene's predictions on their way to its Cloud-Optimized GeoTIFF: one scratch raster on the scene's grid and
 * CRS (band 1 the class map, then one percent-probability band per class), kept in the run directory until the
 * scene is done. Workers of this process write each finished tile into its blocks in the file before the batch's
 * rows commit, so a killed run finds its finished tiles there when it resumes; tiles computed elsewhere arrive as
 * {@link PredictionChunks} and are folded in when the COG is made. Memory holds one tile at a time.
 */
public final class SceneScratch implements PredictionSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SceneScratch.class);
    private static final int LARGEST_BLOCK = 512;
    private static final String SYNCED = "synced";
    private static final String BOOT = "written since boot ";
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private final Path file;
    private final RasterWriter writer;
    private final int bandCount;
    private final int block;
    private final boolean created;

    private SceneScratch(Path file, RasterWriter writer, int bandCount, int block, boolean created) {
        this.file = file;
        this.writer = writer;
        this.bandCount = bandCount;
        this.block = block;
        this.created = created;
    }

    /**
     * Opens the scene's scratch raster, creating it if there is none. One that cannot be used (not a raster, or
     * another layout: left by another version) or cannot be trusted (see {@link #distrust}) is made again, and
     * {@link #created()} then says so.
     *
     * @param block the raster's block size, {@link #blockSize(TileGrid)}
     */
    public static SceneScratch open(Path file, Scene scene, int block, List<String> bandNames,
                                    Map<String, String> metadata) throws IOException {
        RasterLayout layout = new RasterLayout(scene.width(), scene.height(), DataType.BYTE, block,
                scene.transform(), scene.crs(), (double) TilePrediction.NODATA, bandNames, metadata);
        boolean existed = Files.exists(file);
        String distrust = existed ? distrust(file) : null;
        if (distrust != null) {
            LOG.warn("{}: {}: made again, and finished tiles whose pixels were only in it are computed again", file,
                    distrust);
            Files.delete(file);
            existed = false;
        }
        // Before the raster exists and before this process writes a tile into it: a raster is never without its
        // state, but for one whose state was removed by hand
        Files.createDirectories(file.getParent());
        writeState(file, BOOT + bootId().orElse("unknown"));
        RasterWriter writer;
        try {
            writer = RasterWriter.keep(file, layout);
        } catch (RasterException e) {
            if (!existed) {
                throw e;
            }
            // e.g. a blend's scratch in core-sized blocks, from a version before blends used the COG's: a blend's
            // tiles are in their chunks, so only a crop's are computed again (ResumePoint)
            LOG.warn("the scratch raster of an earlier attempt cannot be used, it is made again and finished tiles "
                    + "whose pixels were only in it are computed again: {}", e.getMessage());
            Files.delete(file);
            existed = false;
            writer = RasterWriter.keep(file, layout);
        }
        return new SceneScratch(file, writer, layout.bandCount(), block, !existed);
    }

    /**
     * Whether {@link #open} would keep the raster at {@code file} with what it holds: there is one, and it can be
     * trusted (it is not opened: one of another layout, left by another version, would still be made again).
     */
    public static boolean kept(Path file) throws IOException {
        return Files.exists(file) && distrust(file) == null;
    }

    /**
     * Why the raster an earlier process left cannot be trusted to hold what it wrote, as found; null if it can. A
     * write reaches the operating system, not the disk (syncing at every batch cost 1 s of W1's 17,
     * docs/benchmarks.md): the state beside the raster says {@value #SYNCED} once a process closed it and synced it
     * to disk, else the boot id of the machine that wrote it. With that machine still up (only the process died) its
     * page cache holds every written block; after a restart it may not, and the tiles recorded DONE could read as
     * zeros.
     */
    static String distrust(Path file) throws IOException {
        Path state = stateFile(file);
        if (!Files.isRegularFile(state)) {
            return "no state file " + state + " beside it (removed, or left by a version that wrote none), so "
                    + "nothing says it holds what was written";
        }
        String written = Files.readString(state, StandardCharsets.US_ASCII);
        if (written.equals(SYNCED)) {
            return null;
        }
        Optional<String> boot = bootId();
        if (boot.isPresent() && written.equals(BOOT + boot.get())) {
            return null;
        }
        if (written.startsWith(BOOT)) {
            return "written before the machine last started (" + state + ": " + written + ", this boot "
                    + boot.orElse("unknown") + ") and not synced to disk since, so it may lack what was written";
        }
        return state + " says \"" + written + "\", expected \"" + SYNCED + "\" or \"" + BOOT + "<boot id>\" (a torn "
                + "write)";
    }

    private static Path stateFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".state");
    }

    /** Written in place and synced: a torn write reads as neither state, so the raster is not trusted. */
    private static void writeState(Path file, String state) throws IOException {
        Files.writeString(stateFile(file), state, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
    }

    private static Optional<String> bootId() {
        try {
            return Optional.of(Files.readString(BOOT_ID).strip());
        } catch (IOException e) {
            return Optional.empty(); // not Linux: an unsynced raster is never trusted
        }
    }

    /**
     * The scratch raster's blocks for a grid, so that every write fills whole blocks and GDAL never reads one back
     * to change part of it. A crop writes cores: blocks of the core size ({@link #blockSize(int)}). A blend writes
     * what it likes ({@link BlendedScene#writeInto}): the COG's blocks, which the COG driver then reads one for one
     * (from W1's blend in blocks of 224 px GDAL took 4.7-5.3 s to make the COG, from blocks of 256 px 3.0 s).
     */
    public static int blockSize(TileGrid grid) {
        return grid.overlap() == 0 ? blockSize(grid.step()) : RasterWriter.COG_BLOCK;
    }

    /** The core size if GeoTIFF allows it (a multiple of 16), else a multiple of it that is, else 256. */
    static int blockSize(int step) {
        if (step % 16 == 0) {
            return step;
        }
        for (int block = 2 * step; block <= LARGEST_BLOCK; block += step) {
            if (block % 16 == 0) {
                return block;
            }
        }
        return 256;
    }

    /** True if this process made the raster: nothing an earlier attempt computed is in it. */
    public boolean created() {
        return created;
    }

    @Override
    public void write(TilePrediction prediction) throws IOException {
        write(prediction.tile().core(), prediction.bands(), prediction.tile().id());
    }

    /**
     * Writes a window's bands, {@code [band][pixel]}: as many as the raster has, else an error that names where they
     * came from ({@code source}).
     */
    private void write(Window window, byte[][] bands, Object source) throws IOException {
        if (bands.length != bandCount) {
            throw new IOException(source + ": holds " + bands.length + " bands, expected " + bandCount);
        }
        for (int b = 0; b < bands.length; b++) {
            writer.write(window, b + 1, bands[b]);
        }
    }

    /**
     * Writes the COG: the tiles in {@code predicted} as they are in the raster, or in their chunk where one was
     * written, every other tile nodata (255). The threads compress the COG's blocks; the same pixels give the same
     * bytes whatever their number.
     */
    public void assemble(List<Tile> tiles, Set<String> predicted, PredictionChunks chunks, Path target, int threads)
            throws IOException {
        Files.createDirectories(target.getParent());
        for (Tile tile : tiles) {
            if (!predicted.contains(tile.id())) {
                write(tile.core(), nodata(tile, bandCount), tile.id());
            } else if (chunks.has(tile)) {
                write(tile.core(), chunks.read(tile), chunks.file(tile));
            }
        }
        writer.finishCog(target, threads);
    }

    /**
     * Writes the COG of a blended scene: every pixel as {@code blended} makes it from the tiles' probability chunks
     * (whatever an earlier attempt left in this raster is overwritten).
     */
    public void assemble(BlendedScene blended, Path target, int threads) throws IOException {
        Files.createDirectories(target.getParent());
        blended.writeInto(block, (window, bands) -> write(window, bands, "the blended bands of " + window));
        writer.finishCog(target, threads);
    }

    private static byte[][] nodata(Tile tile, int bandCount) {
        byte[][] bands = new byte[bandCount][(int) tile.core().pixels()];
        for (byte[] band : bands) {
            Arrays.fill(band, (byte) TilePrediction.NODATA);
        }
        return bands;
    }

    /** Closes the raster and removes it: once the scene is done, or to start it again. */
    public void delete() throws IOException {
        writer.close();
        remove(file);
    }

    /** Removes a scratch raster and its state file, if any, without opening it. */
    public static void remove(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(stateFile(file));
    }

    /** Closes the raster, syncs it to disk and says so beside it, for the process that resumes the scene. */
    @Override
    public void close() throws IOException {
        writer.close();
        if (Files.exists(file)) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            writeState(file, SYNCED);
        }
    }
}
