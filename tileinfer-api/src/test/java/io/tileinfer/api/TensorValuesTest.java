package io.tileinfer.api;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.function.DoublePredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The first value each datatype cannot hold, as noted while reading, against a plain search of all the values. */
class TensorValuesTest {

    private static final double[] SPECIAL = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.5,
            -1, 65536, 70000, 1e20, -3e9, 4294967296.0, 1e39, 1e300, -0.0};

    @Test
    void theFirstOffenceOfEveryDatatypeIsTheFirstValueItCannotHold() {
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            double[] sent = new double[1 + random.nextInt(12)];
            TensorValues values = new TensorValues();
            for (int i = 0; i < sent.length; i++) {
                sent[i] = random.nextInt(4) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : random.nextInt(300);
                values.add(sent[i]);
            }
            for (TensorDatatype type : TensorDatatype.values()) {
                String what = type + " of " + Arrays.toString(sent);
                assertEquals(firstWhere(sent, v -> !type.holds(v)), values.firstNotHeldBy(type), what);
                assertEquals(firstWhere(sent, v -> !type.holdsFinite(v)), values.firstNotFiniteIn(type), what);
            }
        }
    }

    private static Optional<TensorValues.Offence> firstWhere(double[] sent, DoublePredicate offends) {
        for (int i = 0; i < sent.length; i++) {
            if (offends.test(sent[i])) {
                return Optional.of(new TensorValues.Offence(i, sent[i]));
            }
        }
        return Optional.empty();
    }
}
