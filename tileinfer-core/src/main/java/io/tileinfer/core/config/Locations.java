package io.tileinfer.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where an input lives: a local path (relative ones against a base directory) or a URL kept as it is. */
public final class Locations {
    /** A GDAL virtual path: its prefix ({@code /vsis3/}) and the rest ({@code bucket/key}, or a URL for /vsicurl/). */
    private static final Pattern VSI_PATH = Pattern.compile("(/vsi[a-z0-9_]+/)(.+)");
    /**
     * What a document from elsewhere may name: a file of a network file system GDAL reads, never a GDAL wrapper
     * around a file of this machine ({@code /vsisubfile/0_100,/etc/...}, {@code /vsigzip//home/...}) nor a curl URL
     * of another protocol ({@code /vsicurl/file:///etc/...}).
     */
    private static final Pattern NETWORK = Pattern.compile("(https?|s3)://.+|/vsicurl/https?://.+"
            + "|/vsi(s3|gs|az|adls|oss|swift)/.+");

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
     * A location relative to another file's location (a STAC asset's href beside its item). Beside a URL (or a GDAL
     * /vsi path), an href resolves as RFC 3986 says: {@code /a/b.tif} is on the URL's host or bucket. A remote item
     * never names a local file.
     *
     * @throws IllegalArgumentException saying why when the href cannot name a file beside this item
     */
    public static String sibling(String fileLocation, String href) {
        boolean remoteItem = isRemote(fileLocation);
        if (href.startsWith("file:")) {
            if (remoteItem) {
                throw new IllegalArgumentException("a local file, named by an item that is not local");
            }
            return localFile(href);
        }
        if (href.contains("://") || href.startsWith("/vsi")) {
            if (remoteItem && !NETWORK.matcher(href).matches()) {
                throw new IllegalArgumentException("not a location an item from elsewhere may name (an http(s):// or "
                        + "s3:// URL, or a GDAL network path such as /vsis3/)");
            }
            if (href.startsWith("/vsimem")) {
                throw new IllegalArgumentException("not a location an item may name");
            }
            return href;
        }
        if (!remoteItem) {
            Path parent = Path.of(fileLocation).toAbsolutePath().getParent();
            return parent.resolve(localPath(href)).normalize().toString();
        }
        // /vsicurl/https://h/x.json resolves as https://h/x.json; /vsis3/bucket/x.json as if bucket were a host
        Matcher vsi = VSI_PATH.matcher(fileLocation);
        boolean gdalPath = vsi.matches();
        String prefix = gdalPath ? vsi.group(1) : "";
        String base = !gdalPath ? fileLocation : vsi.group(2).contains("://") ? vsi.group(2) : "vsi://" + vsi.group(2);
        URI resolved;
        URI item;
        try {
            item = new URI(base);
            resolved = item.resolve(relativeUri(href));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot be resolved against " + fileLocation + ": " + e.getReason());
        }
        if (!item.getScheme().equals(resolved.getScheme())) { // "C:/x.tif", "B04:10m.tif": read as other schemes
            throw new IllegalArgumentException("not a path relative to the item, nor a URL");
        }
        String text = resolved.toString();
        return !gdalPath ? text : prefix + (text.startsWith("vsi://") ? text.substring("vsi://".length()) : text);
    }

    /** A {@code file:} URI as a path: {@code file:///d/a.tif}, {@code file://localhost/d/a.tif}, spaces unquoted. */
    private static String localFile(String href) {
        String path = href.replaceFirst("^file://(localhost)?", "").replaceFirst("^file:", "");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a file: URI with no absolute path");
        }
        try {
            return Path.of(URI.create("file://" + path)).toString(); // %20 and the like decoded
        } catch (IllegalArgumentException unquoted) { // "a b.tif": the path as written
            return path;
        }
    }

    /**
     * A relative href's path, percent-decoded as RFC 3986 says ({@code B3%20copy.tif} is {@code B3 copy.tif}, as our
     * own items write it); one that is no URI reference ({@code a b.tif}, {@code 50%.tif}) or has a query or fragment
     * ({@code B3#1.tif}) as written.
     */
    private static String localPath(String href) {
        try {
            URI uri = new URI(href);
            // "B04:10m.tif" reads as a scheme, "B3#1.tif" as a fragment: file names, as written
            boolean path = uri.getScheme() == null && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && uri.getPath() != null && !uri.getPath().isEmpty();
            return path ? uri.getPath() : href;
        } catch (URISyntaxException unquoted) {
            return href;
        }
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
