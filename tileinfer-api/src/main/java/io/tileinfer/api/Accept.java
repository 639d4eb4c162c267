package io.tileinfer.api;

import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.BadRequestException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.ServerRequestHeaders;

import java.util.List;

/**
 * What a request's Accept header admits, parsed by Helidon: a media type is admitted when the most specific range that
 * matches it has a quality above 0 (RFC 9110, 12.5.1: {@code text/*, text/html;q=0} refuses HTML, which Helidon's own
 * {@code isAccepted} would admit). No Accept header admits everything.
 */
record Accept(String header, List<HttpMediaType> ranges) {

    /** @throws ApiException 400 when the header is no list of media ranges */
    static Accept of(ServerRequestHeaders headers) {
        String header = String.join(", ", headers.all(HeaderNames.ACCEPT, List::of)).strip();
        if (header.isEmpty()) {
            return new Accept("", List.of());
        }
        try {
            List<HttpMediaType> ranges = headers.acceptedTypes();
            ranges.forEach(HttpMediaType::qualityFactor); // Helidon reads q lazily: "q=abc" fails here, not later
            return new Accept(header, ranges);
        } catch (BadRequestException | NumberFormatException e) {
            throw ApiException.badRequest("Accept: " + header + " cannot be read, expected media ranges such as "
                    + "application/json or */*, each with an optional q between 0 and 1");
        }
    }

    boolean admits(MediaType type) {
        return quality(type) > 0;
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
     * How much the client wants the API's JSON: as application/json, or as a +json type it names
     * (application/problem+json reads it too) unless it refuses application/json by name.
     */
    double jsonQuality() {
        double json = quality(MediaTypes.APPLICATION_JSON);
        HttpMediaType closest = closest(MediaTypes.APPLICATION_JSON);
        if (closest != null && specificity(closest) == 2 && json == 0) {
            return 0;
        }
        return ranges.stream().filter(range -> range.subtype().endsWith("+json"))
                .mapToDouble(HttpMediaType::qualityFactor).reduce(json, Math::max);
    }

    boolean admitsJson() {
        return jsonQuality() > 0;
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

    /** The 406 that says what the endpoint can produce. */
    ApiException notAcceptable(String produced) {
        return new ApiException(406, "not_acceptable", "Accept: " + header + " cannot be served, expected "
                + produced);
    }

    private static int specificity(HttpMediaType range) {
        return range.isWildcardType() ? 0 : range.isWildcardSubtype() ? 1 : 2;
    }
}
