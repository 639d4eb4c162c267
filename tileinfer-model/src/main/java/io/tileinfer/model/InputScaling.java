package io.tileinfer.model;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * The per-band linear scaling of a card, {@code raw * scale + offset}: the one preprocessing step that batch
 * inference, the API and training share, so that a model sees the same numbers everywhere.
 */
public final class InputScaling {

    private static final int CHUNK = 8192;

    private final double[] scale;
    private final double[] offset;

    private InputScaling(double[] scale, double[] offset) {
        this.scale = scale;
        this.offset = offset;
    }

    public static InputScaling of(List<BandSpec> bands) {
        return new InputScaling(bands.stream().mapToDouble(BandSpec::scale).toArray(),
                bands.stream().mapToDouble(BandSpec::offset).toArray());
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
