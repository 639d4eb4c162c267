package io.tileinfer.core.store;

import java.util.regex.Pattern;

/** Store URLs as they may be shown: a password in the URL never reaches a message or a log. */
public final class StoreUrls {
    /** {@code password=...} as a query parameter, and {@code user:password@} before a host. */
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;]password=)[^&;]*");
    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/:@]*:)[^/@]*@");

    private StoreUrls() {
    }

    public static String redact(String url) {
        String masked = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
        return USER_INFO_PASSWORD.matcher(masked).replaceAll("$1***@");
    }
}
