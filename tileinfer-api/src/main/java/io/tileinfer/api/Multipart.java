package io.tileinfer.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the file in a {@code multipart/form-data} body (RFC 7578): the part named "file", else the only part. Enough
 * for {@code curl -F file=@tile.tif}; the body is already in memory and bounded by the size limit.
 */
final class Multipart {

    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(\"([^\"]+)\"|[^;\\s]+)");
    private static final Pattern NAME = Pattern.compile("(?i);\\s*name=\"([^\"]*)\"");
    private static final Pattern FILE_NAME = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"");
    private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private Multipart() {
    }

    static Upload file(byte[] body, String contentType) {
        Matcher boundaryMatch = BOUNDARY.matcher(contentType);
        if (!boundaryMatch.find()) {
            throw ApiException.badRequest("Content-Type multipart/form-data has no boundary parameter");
        }
        String boundary = boundaryMatch.group(2) != null ? boundaryMatch.group(2) : boundaryMatch.group(1);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int start = indexOf(body, delimiter, 0);
        if (start < 0) {
            throw ApiException.badRequest("the multipart body does not contain its boundary \"" + boundary + "\"");
        }
        byte[] nextDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Upload only = null;
        int parts = 0;
        int position = start + delimiter.length;
        while (position + 2 <= body.length && !(body[position] == '-' && body[position + 1] == '-')) {
            int headersStart = position + 2; // after the CRLF that ends the delimiter line
            int headersEnd = indexOf(body, HEADER_END, headersStart);
            if (headersEnd < 0) {
                throw ApiException.badRequest("multipart part " + (parts + 1) + " has no end of headers");
            }
            int end = indexOf(body, nextDelimiter, headersEnd + HEADER_END.length);
            if (end < 0) {
                throw ApiException.badRequest("multipart part " + (parts + 1) + " is not closed by the boundary");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            String disposition = disposition(headers);
            Upload part = new Upload(Upload.safeName(group(FILE_NAME, disposition)),
                    Arrays.copyOfRange(body, headersEnd + HEADER_END.length, end));
            if ("file".equals(group(NAME, disposition))) {
                return part;
            }
            only = part;
            parts++;
            position = end + nextDelimiter.length;
        }
        if (parts == 1) {
            return only;
        }
        throw ApiException.badRequest("the multipart body has " + parts + " parts and none is named \"file\": "
                + "send the GeoTIFF as the part \"file\" (curl -F file=@tile.tif)");
    }

    private static String disposition(String headers) {
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                return line;
            }
        }
        return "";
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : null;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
