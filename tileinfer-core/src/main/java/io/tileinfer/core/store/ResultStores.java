package io.tileinfer.core.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** Opens the result store a URL names, through the {@link ResultStoreProvider} registered for its prefix. */
public final class ResultStores {
    private ResultStores() {
    }

    public static ResultStore open(String url) {
        return provider(url).orElseThrow(() -> new StoreException(StoreUrls.redact(url) + ": " + noStore(), null))
                .open(url);
    }

    /**
     * The store for a reader: empty when the URL names a SQLite file that does not exist, or a database without the
     * result tables, which a reader must not create (nothing was recorded there yet).
     */
    public static Optional<ResultStore> openExisting(String url) {
        boolean sqlite = url.startsWith(StoreUrls.SQLITE);
        if (sqlite && !Files.isRegularFile(Path.of(url.substring(StoreUrls.SQLITE.length())))) {
            return Optional.empty();
        }
        return provider(url).orElseThrow(() -> new StoreException(StoreUrls.redact(url) + ": " + noStore(), null))
                .openExisting(url);
    }

    /** The provider registered for the URL's prefix, if a module on the class path has one. */
    public static Optional<ResultStoreProvider> provider(String url) {
        return providers().stream().filter(p -> url.startsWith(p.urlPrefix())).findFirst();
    }

    /** What is wrong with a URL that no provider serves, and which URLs would do. */
    public static String noStore() {
        return "no result store for this URL; expected one of "
                + providers().stream().map(p -> p.urlPrefix() + "...").toList()
                + " (jdbc:postgresql: needs the tileinfer-postgres module on the class path)";
    }

    private static List<ResultStoreProvider> providers() {
        return ServiceLoader.load(ResultStoreProvider.class, ResultStores.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList();
    }
}
