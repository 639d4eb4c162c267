package io.tileinfer.raster;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes straight into the blocks of a kept scratch raster: an uncompressed, band-interleaved tiled GeoTIFF that
 * GDAL created with every block allocated. GDAL says where each block is (the TIFF domain's BLOCK_OFFSET_x_y);
 * writes are positional, so threads need no lock, and they bypass GDAL's block cache: through it each written
 * block was allocated and freed once, and those 64 KB blocks, interleaved with the decoder's 512 KB ones in the
 * same malloc heap, grew the batch's peak RSS with the scene (docs/benchmarks.md).
 */
final class BlockWrites implements AutoCloseable {
    private final String location;
    private final FileChannel channel;
    private final long[][] offsets; // [band - 1][block row * blocks per row + block column]
    private final int blockSize;
    private final int blocksPerRow;
    private final int width;

    private BlockWrites(String location, FileChannel channel, long[][] offsets, int blockSize, int blocksPerRow,
                        int width) {
        this.location = location;
        this.channel = channel;
        this.offsets = offsets;
        this.blockSize = blockSize;
        this.blocksPerRow = blocksPerRow;
        this.width = width;
    }

    /** {@code dataset} is {@code file} opened by GDAL, a BYTE raster in square blocks of {@code blockSize}. */
    static BlockWrites open(Path file, MemorySegment dataset, int width, int height, int bands, int blockSize) {
        String location = file.toString();
        int blocksPerRow = Math.ceilDiv(width, blockSize);
        int blocks = blocksPerRow * Math.ceilDiv(height, blockSize);
        long[][] offsets = new long[bands][blocks];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment domain = arena.allocateFrom("TIFF");
            for (int band = 1; band <= bands; band++) {
                MemorySegment handle = GdalBindings.rasterBand(dataset, band);
                for (int block = 0; block < blocks; block++) {
                    String name = "_" + block % blocksPerRow + "_" + block / blocksPerRow;
                    String offset = GdalBindings.metadataItem(handle, arena.allocateFrom("BLOCK_OFFSET" + name), domain);
                    String size = GdalBindings.metadataItem(handle, arena.allocateFrom("BLOCK_SIZE" + name), domain);
                    if (offset == null || size == null || Long.parseLong(size) != (long) blockSize * blockSize) {
                        throw new RasterException(location, "block " + name.substring(1) + " of band " + band
                                + " is not an allocated uncompressed block of " + blockSize + "x" + blockSize
                                + " bytes (offset " + offset + ", size " + size + ")");
                    }
                    offsets[band - 1][block] = Long.parseLong(offset);
                }
            }
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
            return new BlockWrites(location, channel, offsets, blockSize, blocksPerRow, width);
        } catch (IOException e) {
            throw new RasterException(location, "cannot open the scratch raster for writing: " + e, e);
        }
    }

    /** Writes one band of a window (inside the raster: checked by the caller), row-major, {@code w.width()} per row. */
    void write(Window w, int band, byte[] data) {
        try {
            for (int by = w.y() / blockSize; by <= (w.y() + w.height() - 1) / blockSize; by++) {
                for (int bx = w.x() / blockSize; bx <= (w.x() + w.width() - 1) / blockSize; bx++) {
                    Window block = new Window(bx * blockSize, by * blockSize, blockSize, blockSize);
                    writeInBlock(w, w.intersect(block), block, offsets[band - 1][by * blocksPerRow + bx], data);
                }
            }
        } catch (IOException e) {
            throw new RasterException(location, "cannot write band " + band + " of " + w + ": " + e, e);
        }
    }

    /** The part of {@code w} inside {@code block}: in one write when its rows fill the block's, else row by row. */
    private void writeInBlock(Window w, Window part, Window block, long blockOffset, byte[] data) throws IOException {
        long start = blockOffset + (long) (part.y() - block.y()) * blockSize + (part.x() - block.x());
        // Rows that start at the block's left edge and reach its right edge or the raster's (past which the block's
        // bytes are no pixel) are written whole: one write for the part, padded to the block's width.
        boolean wholeRows = part.x() == block.x()
                && (part.width() == blockSize || part.x() + part.width() == width);
        if (wholeRows && part.width() == w.width()) {
            ByteBuffer rows;
            int from = (part.y() - w.y()) * w.width();
            if (part.width() == blockSize) {
                rows = ByteBuffer.wrap(data, from, part.height() * blockSize);
            } else {
                rows = ByteBuffer.allocate(part.height() * blockSize);
                for (int r = 0; r < part.height(); r++) {
                    rows.put(r * blockSize, data, from + r * w.width(), part.width());
                }
            }
            writeFully(rows, start);
            return;
        }
        for (int r = 0; r < part.height(); r++) {
            int from = (part.y() - w.y() + r) * w.width() + (part.x() - w.x());
            writeFully(ByteBuffer.wrap(data, from, part.width()), start + (long) r * blockSize);
        }
    }

    private void writeFully(ByteBuffer bytes, long position) throws IOException {
        long at = position;
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new RasterException(location, "cannot close the scratch raster: " + e, e);
        }
    }
}
