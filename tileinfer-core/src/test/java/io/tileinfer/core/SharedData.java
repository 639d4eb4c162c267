package io.tileinfer.core;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real imagery in ../shared/data (passed by Maven as the system property tileinfer.sharedData). */
public final class SharedData {
    public static final Path ROOT = Path.of(System.getProperty("tileinfer.sharedData", "../../shared/data"))
            .toAbsolutePath().normalize();
    public static final Path LANDSAT = ROOT.resolve("landsat8-LC80200392015216");
    public static final Path SENTINEL = ROOT.resolve("sentinel2-T18SVG-20160112");
    public static final Path VARIANTS = ROOT.resolve("geotiff-variants");

    static {
        if (!Files.isRegularFile(ROOT.resolve("SHA256SUMS"))) {
            throw new IllegalStateException("the shared imagery is missing at " + ROOT);
        }
    }

    private SharedData() {
    }

    public static String variant(String name) {
        return VARIANTS.resolve(name).toString();
    }

    public static String landsat(String band) {
        return LANDSAT.resolve(band + ".tif").toString();
    }
}
