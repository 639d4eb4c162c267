package io.tileinfer.core.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Credentials written into an input's URL: user-info ({@code https://user:password@host/...}) or the query
 * parameters of a signed URL ({@code X-Amz-Signature}...). Such a location is refused, as a password in
 * {@code store.url} is: a scene's location is copied into the manifest, the output's STAC Item, the run's rows and
 * its logs, and a URL signed anew would change the configuration's hash, so that its run could never be resumed.
 */
public final class UrlCredentials {
    /** What a refusal expects instead: the credentials where GDAL reads them (names as GDAL 3.6 knows them). */
    public static final String EXPECTED = "a location without credentials (it is written into the manifest, the "
            + "output's STAC Item, the run's rows and the logs), and the credentials in the environment, where GDAL "
            + "reads them: GDAL_HTTP_USERPWD (with GDAL_HTTP_AUTH) or ~/.netrc (GDAL_HTTP_NETRC) for http(s)://, "
            + "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN with an s3:// URL in place of a "
            + "presigned one";

    /**
     * The names that sign a URL or carry a key (compared in lower case): AWS SigV4, Azure SAS, Google Cloud Storage
     * V4, CloudFront (whose {@code Signature} is also AWS SigV2's and GCS V2's), and the tokens and keys of web APIs
     * (OAuth's {@code access_token}, {@code token}, {@code api_key}).
     */
    private static final Set<String> SIGNING_PARAMETERS = Set.of("x-amz-signature", "x-amz-credential",
            "x-amz-security-token", "sig", "x-goog-signature", "x-goog-credential", "signature", "key-pair-id");
    private static final Set<String> TOKEN_PARAMETERS = Set.of("token", "access_token", "api_key", "apikey");
    /** {@code user:password@} or {@code user@} before a host; also inside /vsicurl/https://... */
    private static final Pattern USER_INFO = Pattern.compile("://[^/?#]*@");
    /** A query parameter's name; later '?'s too, for a URL inside another's query (/vsicurl?url=...). */
    private static final Pattern PARAMETER_NAME = Pattern.compile("[?&;]([^=&;?#]+)");

    private UrlCredentials() {
    }

    /**
     * The part of a location that holds credentials, as a refusal says it ({@code the query parameter
     * X-Amz-Signature (a signed URL)}), never the secret itself; empty for a local path or a URL without any. The
     * location is also read percent-decoded, as GDAL reads the URL of {@code /vsicurl?url=https%3A%2F%2F...}.
     */
    public static Optional<String> find(String location) {
        if (Locations.isLocal(location)) {
            return Optional.empty(); // a file's name may hold '?' or '@'
        }
        return Stream.of(location, decoded(location)).filter(text -> !text.isEmpty())
                .map(UrlCredentials::inText).flatMap(Optional::stream).findFirst();
    }

    /**
     * A location as a message may show it when it has credentials: its user-info masked, and cut before its query and
     * before any percent-encoded text (where a URL inside it may hold them), e.g. {@code https://***@host/a.tif} or
     * {@code https://host/a.tif?...}.
     */
    public static String shown(String location) {
        String masked = USER_INFO.matcher(location).replaceAll("://***@");
        int cut = masked.replaceFirst("[?%].*$", "").length();
        return cut < masked.length() ? masked.substring(0, cut) + masked.charAt(cut) + "..." : masked;
    }

    private static Optional<String> inText(String url) {
        if (USER_INFO.matcher(url).find()) {
            return Optional.of("user-info (user:password@ before the host)");
        }
        int query = url.indexOf('?');
        if (query < 0) {
            return Optional.empty();
        }
        Matcher name = PARAMETER_NAME.matcher(url.substring(query));
        while (name.find()) {
            String lowerCase = name.group(1).strip().toLowerCase(Locale.ROOT);
            if (SIGNING_PARAMETERS.contains(lowerCase)) {
                return Optional.of("the query parameter " + name.group(1) + " (a signed URL)");
            }
            if (TOKEN_PARAMETERS.contains(lowerCase)) {
                return Optional.of("the query parameter " + name.group(1) + " (a token)");
            }
        }
        return Optional.empty();
    }

    /** The location percent-decoded, or nothing when it is not percent-encoded text ({@code 50%.tif}). */
    private static String decoded(String location) {
        try {
            String text = URLDecoder.decode(location, StandardCharsets.UTF_8);
            return text.equals(location) ? "" : text;
        } catch (IllegalArgumentException notEncoded) {
            return "";
        }
    }
}
