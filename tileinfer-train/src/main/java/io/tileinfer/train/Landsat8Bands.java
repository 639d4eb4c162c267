package io.tileinfer.train;

import io.tileinfer.model.BandSpec;

import java.util.Map;

/**
 * Landsat 8 OLI/TIRS bands: common names (STAC eo), the MTL.txt rescaling of Level-1 digital numbers, and their fill.
 * Reflective bands become top-of-atmosphere reflectance corrected for the sun angle (REFLECTANCE_MULT/ADD, divided by
 * the sine of the scene's SUN_ELEVATION, as USGS defines it): the model then learns reflectance, not a season's or a
 * latitude's light, and batch divides by each scene's own sun elevation. Thermal bands become radiance
 * (RADIANCE_MULT/ADD), which needs no correction. Level-1 files carry no nodata tag, yet every scene's footprint is
 * framed by designated fill (DN 0, the quality band's fill bit): the card says so, so that batch masks it rather than
 * classify it (an all-zero pixel is "cloud" with certainty to this model).
 */
final class Landsat8Bands {

    private static final Map<String, String> COMMON_NAMES = Map.ofEntries(
            Map.entry("B1", "coastal"), Map.entry("B2", "blue"), Map.entry("B3", "green"), Map.entry("B4", "red"),
            Map.entry("B5", "nir08"), Map.entry("B6", "swir16"), Map.entry("B7", "swir22"), Map.entry("B8", "pan"),
            Map.entry("B9", "cirrus"), Map.entry("B10", "lwir11"), Map.entry("B11", "lwir12"));

    /** The MTL.txt's sun elevation at the scene's centre, in degrees. */
    static final String SUN_ELEVATION = "SUN_ELEVATION";

    /** Level-1 designated fill, in every band. */
    static final double FILL = 0;

    private Landsat8Bands() {
    }

    static boolean isBand(String band) {
        return COMMON_NAMES.containsKey(band);
    }

    static BandSpec spec(String band, MtlMetadata mtl) {
        String commonName = COMMON_NAMES.get(band);
        if (commonName == null) {
            throw new TrainingException("band " + band + " is not a Landsat 8 band (expected one of B1 to B11)");
        }
        int number = Integer.parseInt(band.substring(1));
        boolean reflective = number < 10;
        String kind = reflective ? "REFLECTANCE" : "RADIANCE";
        return new BandSpec(band, commonName, mtl.number(kind + "_MULT_BAND_" + number),
                mtl.number(kind + "_ADD_BAND_" + number), FILL, reflective);
    }
}
