package io.tileinfer.cli;

import io.tileinfer.core.store.ResultStores;
import io.tileinfer.core.store.StoreUrls;

import java.nio.file.Path;

/** The {@code --store} option of the commands that read the result store ({@code serve}'s page, {@code runs}). */
final class StoreOption {
    private StoreOption() {
    }

    /**
     * The store's URL: {@code store} (the option's value, or null), else {@value StoreUrls#ENV}, else
     * {@code runs/results.db}. One no module serves is a usage error that names where it came from.
     */
    static String url(String store) {
        String url = StoreUrls.effective(store, Path.of("runs"));
        if (ResultStores.provider(url).isEmpty()) {
            throw new IllegalArgumentException((store != null ? "--store" : StoreUrls.ENV) + ": "
                    + StoreUrls.redact(url) + ": " + ResultStores.noStore());
        }
        return url;
    }
}
