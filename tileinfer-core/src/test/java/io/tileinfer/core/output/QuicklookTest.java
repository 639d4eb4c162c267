package io.tileinfer.core.output;

import io.tileinfer.core.SharedData;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.raster.RasterInfo;
import io.tileinfer.raster.RasterReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuicklookTest {
    private static final List<ClassSpec> CLASSES = List.of(new ClassSpec(0, "clear", "#228b22"),
            new ClassSpec(1, "cloud", "#ffffff"));

    @Test
    void backgroundIsTheImageryAtTheQuicklookSize() {
        String cog = SharedData.variant("l8_rgbn_cog.tif");
        RasterInfo info = info(cog);
        Quicklook.Background background = Quicklook.Background.render(
                List.of(new Quicklook.ImageryBand(cog, 3), new Quicklook.ImageryBand(cog, 2),
                        new Quicklook.ImageryBand(cog, 1)), info.width(), info.height());

        assertFalse(background.unreadable());
        Quicklook.Size expected = Quicklook.Size.fit(info.width(), info.height(), Quicklook.BATCH_SIDE);
        assertEquals(expected.width(), background.image().getWidth());
        assertEquals(expected.height(), background.image().getHeight());
        assertTrue(hasColour(background.image()), "the imagery should not be black");
    }

    /** A fill frame that only the model card names (no nodata tag) stays out of the stretch, as the tag's would. */
    @Test
    void theScenesNodataStaysOutOfTheStretch(@TempDir Path dir) throws Exception {
        Path fill = SharedData.withFillAtLeft(dir.resolve("fill.tif"), 300, false);
        RasterInfo info = info(fill.toString());
        int x = info.width() * 3 / 4 * Quicklook.Size.fit(info.width(), info.height(), Quicklook.BATCH_SIDE).width()
                / info.width(); // in the scene, right of the fill
        int rgbUnmasked = Quicklook.Background.render(List.of(new Quicklook.ImageryBand(fill.toString(), 3),
                new Quicklook.ImageryBand(fill.toString(), 2), new Quicklook.ImageryBand(fill.toString(), 1)),
                info.width(), info.height()).image().getRGB(x, 10);
        int rgbMasked = Quicklook.Background.render(List.of(new Quicklook.ImageryBand(fill.toString(), 3, 0.0),
                new Quicklook.ImageryBand(fill.toString(), 2, 0.0), new Quicklook.ImageryBand(fill.toString(), 1, 0.0)),
                info.width(), info.height()).image().getRGB(x, 10);
        assertNotEquals(rgbUnmasked, rgbMasked, "the stretch of the scene's own values, not of 0 to its 98th");
    }

    @Test
    void unreadableImageryGivesABlackBackgroundAndSaysSo(@TempDir Path dir) throws Exception {
        String broken = SharedData.variant("l8_rgbn_truncated.tif");
        String prediction = SharedData.variant("l8_rgbn_cog.tif"); // band 1 stands for the class map
        RasterInfo info = info(prediction);
        Quicklook.Background background = Quicklook.Background.render(
                List.of(new Quicklook.ImageryBand(broken, 1)), info.width(), info.height());
        assertTrue(background.unreadable());
        assertFalse(hasColour(background.image()));

        Path copy = dir.resolve("scene.tif");
        Files.copy(Path.of(prediction), copy);
        Path written = Quicklook.write(copy, background, CLASSES, "scene");
        BufferedImage picture = ImageIO.read(written.toFile());
        assertEquals(dir.resolve("scene.quicklook.png"), written);
        assertTrue(picture.getWidth() >= background.image().getWidth()
                && picture.getHeight() > background.image().getHeight(), "the picture and its legend");
        assertTrue(Files.notExists(dir.resolve("scene.quicklook.png.tmp")));
    }

    @Test
    void aBackgroundOfAnotherSizeIsRefused(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("scene.tif");
        Files.copy(Path.of(SharedData.variant("l8_rgbn_cog.tif")), copy);
        Quicklook.Background small = new Quicklook.Background(new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB),
                false);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Quicklook.write(copy, small, CLASSES, "scene"));
        assertTrue(error.getMessage().contains("7x5") && error.getMessage().contains(copy.toString()),
                error.getMessage());
        assertTrue(Files.notExists(dir.resolve("scene.quicklook.png")));
    }

    private static RasterInfo info(String file) {
        try (RasterReader reader = RasterReader.open(file)) {
            return reader.info();
        }
    }

    private static boolean hasColour(BufferedImage image) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
