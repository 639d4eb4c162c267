package io.tileinfer.model;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * The per-band scaling of a card for one scene, {@code raw * scale + offset}, divided by the sine of the sun's
 * elevation for a sun-angle-corrected band ({@link BandSpec#sunAngleCorrected()}): the one preprocessing step that
 * batch inference, the API and training share, so that a model sees the same numbers everywhere. The division is
 * folded into the band's scale and offset once per scene ({@code raw * (scale / s) + offset / s}), so that a
 * corrected band costs no more per pixel than another (dividing each pixel made the scaling of a batch half as slow
 * again); computed in double and rounded to float once, so that the numbers are bit for bit the same in each of them.
 */
public final class InputScaling {

    private static final int CHUNK = 8192;
    /**
     * The lowest sun elevation corrected for: below 1° the division multiplies reflectance more than 57 times, and
     * without bound towards the horizon (a model then sees numbers it never learnt, or infinities).
     */
    public static final double LOWEST_SUN_ELEVATION = 1;
    /** The sun elevations corrected for, as messages say it. */
    public static final String SUN_ELEVATIONS = "degrees above the horizon, from 1 to 90";

    private final double[] scale;
    private final double[] offset;
    private final Double sunElevation;

    private InputScaling(double[] scale, double[] offset, Double sunElevation) {
        this.scale = scale;
        this.offset = offset;
        this.sunElevation = sunElevation;
    }

    /**
     * The scaling of bands that need no sun elevation.
     *
     * @throws IllegalArgumentException if a band is sun-angle corrected
     */
    public static InputScaling of(List<BandSpec> bands) {
        return of(bands, null);
    }

    /**
     * The scaling for a scene whose sun stood {@code sunElevation} degrees above the horizon (null: unknown, which
     * only bands without the correction allow).
     *
     * @throws IllegalArgumentException if a band needs the sun elevation and it is null, or not
     *                                  {@link #correctable}
     */
    public static InputScaling of(List<BandSpec> bands, Double sunElevation) {
        if (sunElevation != null && !correctable(sunElevation)) {
            throw new IllegalArgumentException("a sun elevation in " + SUN_ELEVATIONS + ", found " + sunElevation);
        }
        double[] scale = new double[bands.size()];
        double[] offset = new double[bands.size()];
        for (int b = 0; b < bands.size(); b++) {
            BandSpec band = bands.get(b);
            scale[b] = band.scale();
            offset[b] = band.offset();
            if (band.sunAngleCorrected()) {
                if (sunElevation == null) {
                    throw new IllegalArgumentException("band " + band.name() + " is corrected for the sun angle: "
                            + "the scene's sun elevation is needed, and none is known");
                }
                scale[b] /= sine(sunElevation);
                offset[b] /= sine(sunElevation);
            }
        }
        return new InputScaling(scale, offset, sunElevation);
    }

    /**
     * sin of an angle in degrees, by StrictMath: the same bits on every JVM and machine (Math.sin may differ in the
     * last place), so that training, batch and the API divide by the same number.
     */
    public static double sine(double degrees) {
        return StrictMath.sin(StrictMath.toRadians(degrees));
    }

    /** Whether a sun elevation is one to correct for: from {@link #LOWEST_SUN_ELEVATION} to 90 degrees. */
    public static boolean correctable(double degrees) {
        return degrees >= LOWEST_SUN_ELEVATION && degrees <= 90;
    }

    /** Whether any of {@code bands} needs the scene's sun elevation. */
    public static boolean needsSunElevation(List<BandSpec> bands) {
        return bands.stream().anyMatch(BandSpec::sunAngleCorrected);
    }

    /** The names of the bands corrected for the sun angle, as messages list them. */
    public static List<String> correctedBands(List<BandSpec> bands) {
        return bands.stream().filter(BandSpec::sunAngleCorrected).map(BandSpec::name).toList();
    }

    /** The sun elevation this scaling divides by, in degrees; null when no band is corrected or it is unknown. */
    public Double sunElevation() {
        return sunElevation;
    }

    public int bandCount() {
        return scale.length;
    }

    /** The model input for one raw value of band {@code band} (0-based, in card order). */
    public float apply(int band, float raw) {
        return (float) (raw * scale[band] + offset[band]);
    }

    /**
     * Scales band-sequential values of {@code tiles} tiles ({@code raw[((t * C) + b) * pixels + p]}) into
     * {@code dst} from index 0, the same layout.
     */
    public void apply(float[] raw, int tiles, int pixels, FloatBuffer dst) {
        // Scaled in chunks on the heap (a loop the JIT vectorises), then bulk-copied into the (direct) buffer.
        float[] chunk = new float[Math.min(pixels, CHUNK)];
        int index = 0;
        for (int tile = 0; tile < tiles; tile++) {
            for (int band = 0; band < scale.length; band++) {
                double bandScale = scale[band];
                double bandOffset = offset[band];
                for (int done = 0; done < pixels; ) {
                    int n = Math.min(chunk.length, pixels - done);
                    for (int i = 0; i < n; i++) {
                        chunk[i] = (float) (raw[index + i] * bandScale + bandOffset);
                    }
                    dst.put(index, chunk, 0, n);
                    index += n;
                    done += n;
                }
            }
        }
    }
}
