package io.tileinfer.core.store;

import java.util.Optional;

/**
 * Opens the result stores of one kind of URL. Implementations are found with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/io.tileinfer.core.store.ResultStoreProvider}), so that a backend and its
 * JDBC driver are on the class path only where they are used.
 */
public interface ResultStoreProvider {

    /** The URL prefix this provider opens, e.g. {@code jdbc:sqlite:}. */
    String urlPrefix();

    ResultStore open(String url);

    /** The store for a reader, or empty when nothing was ever recorded there (a reader creates nothing). */
    default Optional<ResultStore> openExisting(String url) {
        return Optional.of(open(url));
    }
}
