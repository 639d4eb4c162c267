package io.tileinfer.api;

import io.tileinfer.core.Hashing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The SHA-256 of raster values as the batch's TileReader records it for a tile: float32, little-endian,
 * band-sequential. A tensor and a GeoTIFF holding the same values therefore get the same input hash.
 */
final class ValueHash {

    private ValueHash() {
    }

    static String sha256(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        MessageDigest digest = Hashing.sha256Digest();
        digest.update(bytes.array());
        return HexFormat.of().formatHex(digest.digest());
    }
}
