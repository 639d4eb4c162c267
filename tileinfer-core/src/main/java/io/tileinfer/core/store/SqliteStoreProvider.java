package io.tileinfer.core.store;

/** The embedded store's provider: {@code jdbc:sqlite:PATH}. */
public final class SqliteStoreProvider implements ResultStoreProvider {

    @Override
    public String urlPrefix() {
        return "jdbc:sqlite:";
    }

    @Override
    public ResultStore open(String url) {
        return JdbcResultStore.open(url);
    }
}
