package io.tileinfer.api;

import java.math.BigInteger;

/**
 * A query parameter that is a whole number of {@code unit}s from {@code min} to {@code max}, {@code fallback} when
 * absent; anything else is a 400 naming the parameter and what was expected.
 */
record WholeNumberParameter(String name, int min, int max, String unit, int fallback) {

    int in(Call call) {
        String text = call.query(name).orElse(null);
        if (text == null) {
            return fallback;
        }
        if (!text.matches("[+-]?[0-9]+")) {
            throw ApiException.badRequest(name + ": found '" + text + "', expected a whole number of " + unit);
        }
        BigInteger number = new BigInteger(text); // 99999999999 is a whole number, only out of range
        if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
            throw ApiException.badRequest(name + ": found " + number + ", expected " + min + " to " + max + " "
                    + unit);
        }
        return number.intValue();
    }
}
