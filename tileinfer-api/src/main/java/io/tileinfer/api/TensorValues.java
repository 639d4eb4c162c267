package io.tileinfer.api;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;

/**
 * A tensor's values as the model takes them (float32, row-major), and for each datatype the first value as sent
 * (before rounding to float32) that the datatype cannot hold. The datatypes are noted while the numbers are read,
 * because a request may name its datatype after its data and keeping every number as a double would double the
 * memory of a request.
 */
final class TensorValues {

    /** A value a datatype cannot hold: its index in the flattened tensor and the number as sent. */
    record Offence(int index, double value) {
    }

    private static final TensorDatatype[] DATATYPES = TensorDatatype.values();

    private float[] values = new float[1024];
    private int size;
    private final int[] firstNotHeld = new int[DATATYPES.length];
    private final double[] notHeld = new double[DATATYPES.length];
    private int firstNonFinite = -1;
    private double nonFinite;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private boolean fractionSeen;

    TensorValues() {
        Arrays.fill(firstNotHeld, -1);
    }

    void add(double value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        // Each datatype holds an interval of numbers (whole ones for the integer types), so a finite value within
        // the extremes seen so far, and whole unless a fraction came before, is no datatype's first offence.
        if (!(value >= min && value <= max && (fractionSeen || value == Math.rint(value)))) {
            note(value);
        }
        values[size++] = (float) value;
    }

    /**
     * A whole number beyond a long's range, as the request wrote it: the 64-bit integer types are judged on it, not
     * on the double it rounds to (2^63 and 2^64 are doubles, and within those types' double bounds).
     */
    void addBeyondLong(BigInteger value) {
        double rounded = value.doubleValue();
        notHeldBy(TensorDatatype.INT64, rounded);
        if (value.signum() < 0 || value.bitLength() > Long.SIZE) {
            notHeldBy(TensorDatatype.UINT64, rounded);
        }
        add(rounded);
    }

    private void notHeldBy(TensorDatatype type, double value) {
        if (firstNotHeld[type.ordinal()] < 0) {
            firstNotHeld[type.ordinal()] = size;
            notHeld[type.ordinal()] = value;
        }
    }

    private void note(double value) {
        for (int t = 0; t < DATATYPES.length; t++) {
            if (!DATATYPES[t].holds(value)) {
                notHeldBy(DATATYPES[t], value);
            }
        }
        if (Double.isFinite(value)) {
            min = Math.min(min, value);
            max = Math.max(max, value);
        } else if (firstNonFinite < 0) {
            firstNonFinite = size;
            nonFinite = value;
        }
        fractionSeen |= value != Math.rint(value); // NaN too: like a fraction, no integer type holds it
    }

    int size() {
        return size;
    }

    /** The first value that {@code datatype} cannot hold. */
    Optional<Offence> firstNotHeldBy(TensorDatatype datatype) {
        int t = datatype.ordinal();
        return firstNotHeld[t] < 0 ? Optional.empty() : Optional.of(new Offence(firstNotHeld[t], notHeld[t]));
    }

    /** The first value that is not a finite value of {@code datatype}: what a model input of that type cannot be. */
    Optional<Offence> firstNotFiniteIn(TensorDatatype datatype) {
        Optional<Offence> notHeldValue = firstNotHeldBy(datatype);
        if (firstNonFinite < 0 || notHeldValue.isPresent() && notHeldValue.get().index() < firstNonFinite) {
            return notHeldValue;
        }
        return Optional.of(new Offence(firstNonFinite, nonFinite));
    }

    /** The values rounded to float32, as the model takes them. */
    float[] floats() {
        if (values.length != size) {
            values = Arrays.copyOf(values, size);
        }
        return values;
    }
}
