package io.tileinfer.core.output;

import io.tileinfer.core.AtomicFiles;
import io.tileinfer.model.BandSpec;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.raster.RasterException;
import io.tileinfer.raster.RasterReader;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small PNG pictures of a scene's prediction for people: the imagery stretched to RGB (or grey) as background, the
 * prediction's classes in their card colours, and for the batch's file a legend. Pixels come from GDAL reads into a
 * small buffer, so the COG's overviews are used. The same inputs always give the same bytes.
 */
public final class Quicklook {

    /** Longest side of the quicklook that batch writes beside the prediction raster. */
    public static final int BATCH_SIDE = 1024;
    private static final int LEGEND_HEIGHT = 28;
    /** The classes over the imagery in the batch's quicklook; the page has a slider instead. */
    private static final float CLASS_OPACITY = 0.55f;

    /** Band {@code band} (1-based) of the raster at {@code location}. */
    /** @param nodata the scene's nodata for the band (the configuration's, the file's or the card's); null: the file's */
    public record ImageryBand(String location, int band, Double nodata) {
        public ImageryBand(String location, int band) {
            this(location, band, null);
        }
    }

    /** Width and height of a quicklook: the raster's shape fitted into {@code maxSide}, never enlarged. */
    public record Size(int width, int height) {
        public static Size fit(int rasterWidth, int rasterHeight, int maxSide) {
            double scale = Math.min(1.0, (double) maxSide / Math.max(rasterWidth, rasterHeight));
            return new Size(Math.max(1, (int) Math.round(rasterWidth * scale)),
                    Math.max(1, (int) Math.round(rasterHeight * scale)));
        }
    }

    private Quicklook() {
    }

    /** The file batch writes for a prediction raster {@code <scene>.tif}: {@code <scene>.quicklook.png}. */
    public static Path fileFor(Path prediction) {
        String name = prediction.getFileName().toString();
        return prediction.resolveSibling(name.substring(0, name.length() - ".tif".length()) + ".quicklook.png");
    }

    /**
     * The bands to show: the card's red, green and blue bands when it names all three (common names), else its
     * first band in grey. {@code bands} holds one entry per card band, in the card's order.
     */
    public static List<ImageryBand> displayBands(List<BandSpec> card, List<ImageryBand> bands) {
        Map<String, ImageryBand> byCommonName = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(card.size(), bands.size()); i++) {
            if (card.get(i).commonName() != null) {
                byCommonName.putIfAbsent(card.get(i).commonName(), bands.get(i));
            }
        }
        List<ImageryBand> rgb = new ArrayList<>();
        for (String name : List.of("red", "green", "blue")) {
            if (byCommonName.containsKey(name)) {
                rgb.add(byCommonName.get(name));
            }
        }
        return rgb.size() == 3 ? rgb : bands.subList(0, Math.min(1, bands.size()));
    }

    /** The size of the quicklook of a prediction raster. */
    public static Size size(Path prediction, int maxSide) {
        try (RasterReader reader = RasterReader.open(prediction.toString())) {
            return Size.fit(reader.info().width(), reader.info().height(), maxSide);
        }
    }

    /**
     * The imagery, each band stretched linearly between its 2nd and 98th percentile of valid pixels; nodata
     * pixels are black. One band gives grey, three give RGB.
     */
    public static BufferedImage imagery(List<ImageryBand> bands, Size size) {
        int[][] channels = new int[3][];
        for (int c = 0; c < 3; c++) {
            channels[c] = c < bands.size() ? stretched(bands.get(c), size) : channels[0];
        }
        BufferedImage image = new BufferedImage(size.width(), size.height(), BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[size.width() * size.height()];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = channels[0][i] << 16 | channels[1][i] << 8 | channels[2][i];
        }
        image.setRGB(0, 0, size.width(), size.height(), rgb, 0, size.width());
        return image;
    }

    /** The class map (band 1 of the prediction raster) in the classes' colours; nodata and unknown values clear. */
    public static BufferedImage classes(Path prediction, List<ClassSpec> classes, Size size) {
        float[] values;
        try (RasterReader reader = RasterReader.open(prediction.toString())) {
            values = reader.readDownsampled(1, size.width(), size.height());
        }
        Map<Integer, Integer> argb = new LinkedHashMap<>();
        for (ClassSpec spec : classes) {
            argb.put(spec.value(), 0xFF000000 | Integer.parseInt(spec.color().substring(1), 16));
        }
        int[] pixels = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            pixels[i] = argb.getOrDefault((int) values[i], 0);
        }
        BufferedImage image = new BufferedImage(size.width(), size.height(), BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, size.width(), size.height(), pixels, 0, size.width());
        return image;
    }

    /** The imagery with the classes over it and a legend strip below: the batch's quicklook. */
    public static BufferedImage composite(BufferedImage imagery, BufferedImage classes, List<ClassSpec> specs,
                                          String title) {
        int width = imagery.getWidth();
        int height = imagery.getHeight();
        BufferedImage out = new BufferedImage(Math.max(width, 320), height + LEGEND_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(imagery, 0, 0, null);
            g.setComposite(java.awt.AlphaComposite.getInstance(java.awt.AlphaComposite.SRC_OVER, CLASS_OPACITY));
            g.drawImage(classes, 0, 0, null);
            g.setComposite(java.awt.AlphaComposite.SrcOver);
            // Plain glyphs: anti-aliasing would be fine too, but this keeps the bytes independent of LCD hints.
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int x = 6;
            int y = height + 6;
            for (ClassSpec spec : specs) {
                g.setColor(Color.decode(spec.color()));
                g.fillRect(x, y, 16, 16);
                g.setColor(Color.BLACK);
                g.drawRect(x, y, 16, 16);
                g.drawString(spec.name(), x + 22, y + 13);
                x += 30 + g.getFontMetrics().stringWidth(spec.name());
            }
            g.setColor(Color.DARK_GRAY);
            g.drawString(title, Math.max(x + 10, out.getWidth() - g.getFontMetrics().stringWidth(title) - 6), y + 13);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * The imagery under the batch's quicklook, for a prediction raster of {@code width} × {@code height}. It needs
     * the inputs alone, so batch renders it while GDAL writes the COG.
     */
    public record Background(BufferedImage image, boolean unreadable) {
        public static Background render(List<ImageryBand> imagery, int width, int height) {
            Size size = Size.fit(width, height, BATCH_SIDE);
            try {
                return new Background(imagery(imagery, size), false);
            } catch (RasterException damaged) {
                // A damaged input (the reason some tiles failed) still deserves a picture of what was predicted.
                return new Background(new BufferedImage(size.width(), size.height(), BufferedImage.TYPE_INT_RGB),
                        true);
            }
        }
    }

    /**
     * Writes the batch's quicklook beside the prediction raster, atomically (temp file + rename): the classes over
     * {@code background}, which was rendered for this raster's size.
     */
    public static Path write(Path prediction, Background background, List<ClassSpec> classes, String title)
            throws IOException {
        Size size = size(prediction, BATCH_SIDE);
        BufferedImage imagery = background.image();
        if (imagery.getWidth() != size.width() || imagery.getHeight() != size.height()) {
            throw new IllegalArgumentException("the background is " + imagery.getWidth() + "x" + imagery.getHeight()
                    + ", the quicklook of " + prediction + " is " + size.width() + "x" + size.height());
        }
        String caption = background.unreadable() ? title + " (imagery unreadable)" : title;
        BufferedImage picture = composite(imagery, classes(prediction, classes, size), classes, caption);
        Path target = fileFor(prediction);
        AtomicFiles.write(target, png(picture));
        return target;
    }

    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static int[] stretched(ImageryBand band, Size size) {
        float[] values;
        Double nodata;
        try (RasterReader reader = RasterReader.open(band.location())) {
            int bandCount = reader.info().bands().size();
            if (band.band() > bandCount) {
                throw new RasterException(band.location(), "has " + bandCount + " bands, expected at least "
                        + band.band() + " (the model's bands)");
            }
            // a Landsat fill frame that only the card names would otherwise pull the stretch's low end to 0
            nodata = band.nodata() != null ? band.nodata() : reader.info().bands().get(band.band() - 1).nodata();
            values = reader.readDownsampled(band.band(), Math.min(size.width(), reader.info().width()),
                    Math.min(size.height(), reader.info().height()));
            if (values.length != size.width() * size.height()) {
                throw new RasterException(band.location(), "is smaller than the prediction raster, expected the "
                        + "same grid");
            }
        }
        float[] valid = new float[values.length];
        int n = 0;
        for (float v : values) {
            if (isValid(v, nodata)) {
                valid[n++] = v;
            }
        }
        int[] out = new int[values.length];
        if (n == 0) {
            return out;
        }
        Arrays.sort(valid, 0, n);
        float low = valid[(int) (0.02 * (n - 1))];
        float high = valid[(int) (0.98 * (n - 1))];
        float range = Math.max(high - low, 1e-6f);
        for (int i = 0; i < values.length; i++) {
            if (isValid(values[i], nodata)) {
                out[i] = Math.clamp(Math.round((values[i] - low) / range * 255f), 0, 255);
            }
        }
        return out;
    }

    private static boolean isValid(float value, Double nodata) {
        return !Float.isNaN(value) && (nodata == null || value != nodata.floatValue());
    }
}
