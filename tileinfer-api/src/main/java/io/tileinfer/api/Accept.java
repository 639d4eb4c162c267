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
            return new Accept(header, headers.acceptedTypes());
        } catch (BadRequestException e) {
            throw ApiException.badRequest("Accept: " + header + " cannot be read, expected media ranges such as "
                    + "application/json or */*");
        }
    }

    boolean admits(MediaType type) {
        if (ranges.isEmpty()) {
            return true;
        }
        HttpMediaType closest = null;
        for (HttpMediaType range : ranges) {
            if (range.test(type) && (closest == null || specificity(range) > specificity(closest))) {
                closest = range;
            }
        }
        return closest != null && closest.qualityFactor() > 0;
    }

    /** application/json, or a +json type the client names (application/problem+json): both read the API's JSON. */
    boolean admitsJson() {
        return admits(MediaTypes.APPLICATION_JSON) || ranges.stream()
                .anyMatch(range -> range.subtype().endsWith("+json") && range.qualityFactor() > 0);
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
