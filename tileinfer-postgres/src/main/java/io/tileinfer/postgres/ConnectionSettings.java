package io.tileinfer.postgres;

import io.tileinfer.core.store.StoreUrls;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code jdbc:postgresql:} URL split into what the pool may show and what it must not: the password is taken out
 * of the URL (or from PGPASSWORD, as libpq does) and handed to the driver apart, so no log line or error message
 * carries it. The user comes from the URL's {@code user} parameter, else PGUSER.
 */
record ConnectionSettings(String url, String user, String password) {

    static ConnectionSettings of(String url, Map<String, String> environment) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        List<String> kept = new ArrayList<>();
        String user = environment.get("PGUSER");
        String password = environment.get("PGPASSWORD");
        boolean userInUrl = false;
        if (query >= 0) {
            for (String parameter : url.substring(query + 1).split("&")) {
                String key = parameter.contains("=") ? parameter.substring(0, parameter.indexOf('=')) : parameter;
                String value = parameter.substring(key.length() + (parameter.contains("=") ? 1 : 0));
                if (key.equalsIgnoreCase("password")) {
                    password = URLDecoder.decode(value, StandardCharsets.UTF_8);
                } else {
                    userInUrl |= key.equalsIgnoreCase("user");
                    kept.add(parameter);
                }
            }
        }
        String withoutPassword = kept.isEmpty() ? base : base + "?" + String.join("&", kept);
        return new ConnectionSettings(withoutPassword, userInUrl ? null : user, password);
    }

    /** The URL as messages show it. */
    String display() {
        return StoreUrls.redact(url);
    }
}
