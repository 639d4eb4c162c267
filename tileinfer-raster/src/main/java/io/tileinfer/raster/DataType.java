package io.tileinfer.raster;

import java.util.Optional;

/** The pixel types tileinfer reads and writes, with their GDAL (GDALDataType) and STAC names. */
public enum DataType {
    BYTE(1, "uint8", 1),
    UINT16(2, "uint16", 2),
    INT16(3, "int16", 2),
    UINT32(4, "uint32", 4),
    INT32(5, "int32", 4),
    FLOAT32(6, "float32", 4),
    FLOAT64(7, "float64", 8);

    private final int gdalCode;
    private final String stacName;
    private final int bytes;

    DataType(int gdalCode, String stacName, int bytes) {
        this.gdalCode = gdalCode;
        this.stacName = stacName;
        this.bytes = bytes;
    }

    public int gdalCode() {
        return gdalCode;
    }

    /** @throws RasterException for GDAL types tileinfer does not handle (complex, 64-bit integers, Int8). */
    public static DataType fromGdal(int code) {
        for (DataType type : values()) {
            if (type.gdalCode == code) {
                return type;
            }
        }
        throw new RasterException("GDAL data type " + code,
                "not supported (tileinfer handles Byte, UInt16, Int16, UInt32, Int32, Float32 and Float64)");
    }

    public String stacName() {
        return stacName;
    }

    /** The type STAC calls {@code name} ("uint16"), if tileinfer handles it. */
    public static Optional<DataType> ofStac(String name) {
        for (DataType type : values()) {
            if (type.stacName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    public int bytes() {
        return bytes;
    }

    /** Whether a pixel of this type can have the value: a whole number in range, or for floats anything. */
    public boolean holds(double value) {
        return switch (this) {
            case BYTE -> whole(value, 0, 255);
            case UINT16 -> whole(value, 0, 65_535);
            case INT16 -> whole(value, -32_768, 32_767);
            case UINT32 -> whole(value, 0, 4_294_967_295L);
            case INT32 -> whole(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case FLOAT32 -> Double.isNaN(value) || Double.isInfinite(value) || Math.abs(value) <= Float.MAX_VALUE;
            case FLOAT64 -> true;
        };
    }

    /** The values {@link #holds} accepts, in words. */
    public String range() {
        return switch (this) {
            case BYTE -> "a whole number in [0, 255]";
            case UINT16 -> "a whole number in [0, 65535]";
            case INT16 -> "a whole number in [-32768, 32767]";
            case UINT32 -> "a whole number in [0, 4294967295]";
            case INT32 -> "a whole number in [-2147483648, 2147483647]";
            case FLOAT32 -> "a float32 value";
            case FLOAT64 -> "a float64 value";
        };
    }

    private static boolean whole(double value, long min, long max) {
        return value == Math.rint(value) && value >= min && value <= max;
    }
}
