package io.tileinfer.api;

import io.tileinfer.core.Hashing;

/**
 * A GeoTIFF tile sent to {@code POST /v1/predict}, either as the body ({@code image/tiff}) or as the {@code file} part
 * of a {@code multipart/form-data} body. {@code fileName} is the part's file name made safe for messages and GDAL
 * paths, or "tile.tif".
 */
record Upload(String fileName, byte[] bytes) {

    static final String TIFF = "image/tiff";
    static final String MULTIPART = "multipart/form-data";
    private static final String DEFAULT_NAME = "tile.tif";

    static Upload read(Call call) {
        String mediaType = call.mediaType();
        Upload upload = switch (mediaType) {
            case TIFF -> new Upload(DEFAULT_NAME, call.body());
            case MULTIPART -> Multipart.file(call.body(), call.header("Content-Type").orElseThrow());
            default -> throw new ApiException(415, "unsupported_media_type", "Content-Type "
                    + (mediaType.isEmpty() ? "missing" : mediaType) + ": send the GeoTIFF tile as " + TIFF
                    + " (curl --data-binary @tile.tif -H 'Content-Type: image/tiff') or as the 'file' part of "
                    + MULTIPART + " (curl -F file=@tile.tif)");
        };
        if (upload.bytes().length == 0) {
            throw ApiException.badRequest(upload.fileName() + ": the tile is empty (0 bytes), expected a GeoTIFF");
        }
        return upload;
    }

    /** Letters, digits, '.', '_' and '-' of a client's file name (at most 64), or the default name. */
    static String safeName(String clientName) {
        if (clientName == null) {
            return DEFAULT_NAME;
        }
        String base = clientName.substring(Math.max(clientName.lastIndexOf('/'), clientName.lastIndexOf('\\')) + 1);
        String safe = base.replaceAll("[^A-Za-z0-9._-]", "_");
        safe = safe.substring(0, Math.min(64, safe.length()));
        return safe.isEmpty() || safe.chars().allMatch(c -> c == '.') ? DEFAULT_NAME : safe;
    }

    String sha256() {
        return Hashing.sha256(bytes);
    }
}
