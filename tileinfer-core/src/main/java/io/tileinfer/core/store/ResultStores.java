package io.tileinfer.core.store;

import java.util.List;
import java.util.ServiceLoader;

/** Opens the result store a URL names, through the {@link ResultStoreProvider} registered for its prefix. */
public final class ResultStores {
    private ResultStores() {
    }

    public static ResultStore open(String url) {
        List<ResultStoreProvider> providers = providers();
        for (ResultStoreProvider provider : providers) {
            if (url.startsWith(provider.urlPrefix())) {
                return provider.open(url);
            }
        }
        throw new StoreException(StoreUrls.redact(url) + ": no result store for this URL; expected one of "
                + providers.stream().map(p -> p.urlPrefix() + "...").toList()
                + " (jdbc:postgresql: needs the tileinfer-postgres module on the class path)", null);
    }

    private static List<ResultStoreProvider> providers() {
        return ServiceLoader.load(ResultStoreProvider.class, ResultStores.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList();
    }
}
