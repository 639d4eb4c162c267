package io.tileinfer.postgres;

import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStoreProvider;

import java.util.Optional;

/** The PostgreSQL store for {@code jdbc:postgresql:} URLs, as {@link io.tileinfer.core.store.ResultStores} finds it. */
public final class PostgresStoreProvider implements ResultStoreProvider {

    @Override
    public String urlPrefix() {
        return "jdbc:postgresql:";
    }

    @Override
    public ResultStore open(String url) {
        return PostgresResultStore.open(url, true).orElseThrow();
    }

    @Override
    public Optional<ResultStore> openExisting(String url) {
        return PostgresResultStore.open(url, false).map(ResultStore.class::cast);
    }
}
