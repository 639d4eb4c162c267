package io.tileinfer.api;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Open Inference Protocol datatypes a raster band can be sent as, with the values each can hold: whole numbers in
 * its range for the integer types; for the float types the numbers within their range and, as IEEE 754 has them,
 * NaN and the infinities (which no model input accepts: see {@link #holdsFinite}).
 */
enum TensorDatatype {
    UINT8(0, 255, true),
    UINT16(0, 65535, true),
    UINT32(0, 4294967295.0, true),
    UINT64(0, 0x1p64, true),
    INT8(-128, 127, true),
    INT16(-32768, 32767, true),
    INT32(Integer.MIN_VALUE, Integer.MAX_VALUE, true),
    INT64(-0x1p63, 0x1p63, true),
    FP16(-65504, 65504, false),
    FP32(-Float.MAX_VALUE, Float.MAX_VALUE, false),
    FP64(-Double.MAX_VALUE, Double.MAX_VALUE, false);

    /** Every name, sorted, for messages. */
    static final List<String> NAMES = Arrays.stream(values()).map(Enum::name).sorted().toList();

    private final double min;
    private final double max;
    private final boolean integral;

    TensorDatatype(double min, double max, boolean integral) {
        this.min = min;
        this.max = max;
        this.integral = integral;
    }

    /** The datatype of this name, or null. */
    static TensorDatatype named(String name) {
        return NAMES.contains(name) ? valueOf(name) : null;
    }

    /** The datatype of a model card's STAC data type ("uint16", "float32"). */
    static TensorDatatype ofStac(String stacType) {
        String upper = stacType.toUpperCase(Locale.ROOT);
        return valueOf(upper.startsWith("FLOAT") ? "FP" + upper.substring("FLOAT".length()) : upper);
    }

    /** The least finite value of this datatype. */
    double min() {
        return min;
    }

    /** The greatest finite value of this datatype. */
    double max() {
        return max;
    }

    /** Whether this is an integer datatype: its values are whole numbers. */
    boolean integral() {
        return integral;
    }

    /** Whether a value of this datatype can be {@code value}. */
    boolean holds(double value) {
        if (integral) {
            return value >= min && value <= max && value == Math.rint(value);
        }
        return Double.isNaN(value) || Double.isInfinite(value) || (value >= min && value <= max);
    }

    /** Whether {@code value} is a finite value of this datatype: what a model input of this type can be. */
    boolean holdsFinite(double value) {
        return Double.isFinite(value) && holds(value);
    }

    /** The finite values of this datatype, for messages: "integers in [0, 65535]". */
    String finiteValues() {
        return (integral ? "integers" : "finite numbers") + " in [" + bound(min) + ", " + bound(max) + "]";
    }

    private String bound(double value) {
        return switch (this) {
            case FP32 -> String.valueOf((float) value);
            // the 64-bit bounds are no doubles: 2^63 - 1 and 2^64 - 1 round to 2^63 and 2^64
            case INT64 -> String.valueOf(value < 0 ? Long.MIN_VALUE : Long.MAX_VALUE);
            case UINT64 -> value == 0 ? "0" : Long.toUnsignedString(-1L);
            default -> format(value);
        };
    }

    /**
     * A number as a message shows it: whole numbers within the 64-bit types' reach without a fraction or an exponent
     * ("65536", not "65536.0"; "9223372036854775808", not "9.223372036854776E18").
     */
    static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) <= 0x1p64 ? new BigDecimal(value).toPlainString()
                : String.valueOf(value);
    }
}
