package io.tileinfer.api;

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
        int number;
        try {
            number = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + ": found '" + text + "', expected a whole number of " + unit);
        }
        if (number < min || number > max) {
            throw ApiException.badRequest(name + ": found " + number + ", expected " + min + " to " + max + " "
                    + unit);
        }
        return number;
    }
}
