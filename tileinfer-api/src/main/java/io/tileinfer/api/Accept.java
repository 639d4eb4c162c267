package io.tileinfer.api;

import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.ServerRequestHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a request's Accept header admits: a media type is admitted when the most specific range that matches it has a
 * quality above 0 (RFC 9110, 12.5.1: {@code text/*, text/html;q=0} refuses HTML, which Helidon's own
 * {@code isAccepted} would admit). No Accept header admits everything. Helidon parses each range; the list and its
 * whitespace are split here, since Helidon would keep the space of {@code application/json ; q=1} in the subtype.
 */
record Accept(String header, List<HttpMediaType> ranges) {
    private static final Pattern AROUND_SEMICOLON = Pattern.compile("\\s*;\\s*");
    /** RFC 9110, 5.6.6: a parameter may be empty ({@code text/html;;q=0.5}); Helidon would refuse it. */
    private static final Pattern EMPTY_PARAMETERS = Pattern.compile(";(?=;|$)");
    /** A q without a value, which Helidon would read as 1. */
    private static final Pattern EMPTY_Q = Pattern.compile("(?i);q=(;|$)");

    /** @throws ApiException 400 when the header is no list of media ranges, or a q is not in [0, 1] */
    static Accept of(ServerRequestHeaders headers) {
        String header = String.join(", ", headers.all(HeaderNames.ACCEPT, List::of)).strip();
        List<HttpMediaType> ranges = new ArrayList<>();
        try {
            for (String element : header.split(",")) {
                if (!element.isBlank()) { // RFC 9110, 5.6.1: empty list elements are allowed
                    String text = EMPTY_PARAMETERS.matcher(AROUND_SEMICOLON.matcher(element.strip())
                            .replaceAll(";")).replaceAll("");
                    if (EMPTY_Q.matcher(text).find()) {
                        throw new IllegalArgumentException("q without a value");
                    }
                    HttpMediaType range = HttpMediaType.create(text);
                    double q = range.qualityFactor(); // read lazily by Helidon: "q=abc" fails here, not later
                    if (!(q >= 0 && q <= 1)) {
                        throw new IllegalArgumentException("q=" + q);
                    }
                    ranges.add(range);
                }
            }
        } catch (RuntimeException e) { // Helidon's parse errors, NumberFormatException, a q out of range
            throw ApiException.badRequest("Accept: " + header + " cannot be read, expected media ranges such as "
                    + "application/json or */*, each with an optional q between 0 and 1");
        }
        return new Accept(header, ranges);
    }

    /** The q of the most specific range that matches {@code type}: 0 when none does, 1 without an Accept header. */
    double quality(MediaType type) {
        if (ranges.isEmpty()) {
            return 1;
        }
        HttpMediaType closest = closest(type);
        return closest == null ? 0 : closest.qualityFactor();
    }

    /**
     * How much the client wants the API's JSON: the q it gives application/json by name; else the higher of what
     * its wildcards give it and of a +json type it names (application/problem+json reads it too).
     */
    double jsonQuality() {
        HttpMediaType closest = closest(MediaTypes.APPLICATION_JSON);
        if (closest != null && specificity(closest) == 2) {
            return closest.qualityFactor();
        }
        return ranges.stream().filter(range -> range.subtype().endsWith("+json"))
                .mapToDouble(HttpMediaType::qualityFactor).reduce(quality(MediaTypes.APPLICATION_JSON), Math::max);
    }

    boolean admitsJson() {
        return jsonQuality() > 0;
    }

    /** The 406 that says what the endpoint can produce. */
    ApiException notAcceptable(String produced) {
        return new ApiException(406, "not_acceptable", "Accept: " + header + " cannot be served, expected "
                + produced);
    }

    private HttpMediaType closest(MediaType type) {
        HttpMediaType closest = null;
        for (HttpMediaType range : ranges) {
            if (range.test(type) && (closest == null || specificity(range) > specificity(closest))) {
                closest = range;
            }
        }
        return closest;
    }

    private static int specificity(HttpMediaType range) {
        return range.isWildcardType() ? 0 : range.isWildcardSubtype() ? 1 : 2;
    }
}
