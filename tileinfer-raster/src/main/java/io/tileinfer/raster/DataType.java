package io.tileinfer.raster;

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

    public int bytes() {
        return bytes;
    }
}
