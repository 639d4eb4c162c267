package io.tileinfer.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where an input lives: a local path (relative ones against a base directory) or a URL kept as it is. */
public final class Locations {
    private Locations() {
    }

    public static boolean isRemote(String location) {
        return location.contains("://") || location.startsWith("/vsi");
    }

    public static boolean isLocal(String location) {
        return !isRemote(location);
    }

    public static String resolve(Path baseDir, String location) {
        if (isRemote(location)) {
            return location;
        }
        return baseDir.resolve(location).toAbsolutePath().normalize().toString();
    }

    /** The last segment of a location's path: a URL's without its query ({@code ?X-Amz-Signature=...}) or fragment. */
    public static String fileName(String location) {
        String path = isRemote(location) ? location.replaceFirst("[?#].*$", "") : location;
        path = path.replaceAll("/+$", "");
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * A location relative to another file's location (a STAC asset's href beside its item). Beside a URL, an href
     * resolves as RFC 3986 says: {@code /a/b.tif} is on the URL's host, never a local file.
     */
    public static String sibling(String fileLocation, String href) {
        if (href.startsWith("file:")) {
            return isRemote(fileLocation) ? href : Path.of(URI.create(href)).toString(); // a remote item: not opened
        }
        if (isRemote(href)) {
            return href;
        }
        if (isRemote(fileLocation)) {
            if (fileLocation.contains("://") && !fileLocation.startsWith("/vsi")) {
                try {
                    return new URI(fileLocation).resolve(relativeUri(href)).toString();
                } catch (URISyntaxException notAUri) {
                    // below: as a path beside the item's
                }
            }
            return href.startsWith("/") ? href
                    : fileLocation.substring(0, fileLocation.lastIndexOf('/') + 1) + href;
        }
        if (href.startsWith("/")) {
            return href;
        }
        Path parent = Path.of(fileLocation).toAbsolutePath().getParent();
        return parent.resolve(href).normalize().toString();
    }

    /** An href as a URI: as written when it is one ({@code a%20b.tif}), else with its spaces and such quoted. */
    private static URI relativeUri(String href) throws URISyntaxException {
        try {
            return new URI(href);
        } catch (URISyntaxException unquoted) {
            return new URI(null, null, href, null);
        }
    }
}
