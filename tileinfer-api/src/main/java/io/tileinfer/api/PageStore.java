package io.tileinfer.api;

import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStores;
import io.tileinfer.core.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The result store the web page reads, opened once it is there: a SQLite file that a batch creates after the server
 * started, or a database that comes up after it, is picked up without a restart. A missing SQLite file is looked
 * for at each request (a file's existence, cheap), and never created: the page only reads. After a store that failed
 * to open, the next attempt waits {@link #RETRY_NANOS}, so that a database that is down costs the page's requests one
 * attempt in that time, not one each.
 */
final class PageStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PageStore.class);
    static final long RETRY_NANOS = 10_000_000_000L;

    private final String url;
    private ResultStore store;
    private long nextAttempt = System.nanoTime();
    private boolean said;

    /** {@code url} null: the server was started without a store. */
    PageStore(String url) {
        this.url = url;
        current(); // said at start when it is not there
    }

    private PageStore(ResultStore opened) {
        this.url = null;
        this.store = opened;
    }

    /** A store opened already (tests). */
    static PageStore opened(ResultStore store) {
        return new PageStore(store);
    }

    /** The store, or null while there is none to read. */
    synchronized ResultStore current() {
        if (store != null || url == null || System.nanoTime() - nextAttempt < 0) {
            return store;
        }
        try {
            store = ResultStores.openExisting(url).orElse(null);
            if (store == null) {
                sayOnce("the web page shows no run until a batch creates the result store " + url);
                if (!url.startsWith("jdbc:sqlite:")) { // a file is looked for at each request, a database every 10 s
                    nextAttempt = System.nanoTime() + RETRY_NANOS;
                }
            } else if (said) {
                LOG.info("the web page reads the result store {} now", url);
            }
        } catch (StoreException unreachable) {
            // the page is an extra: a store that is down keeps neither the server from starting nor its API
            sayOnce("the web page shows no run until the result store can be opened (tried again every "
                    + RETRY_NANOS / 1_000_000_000L + " s): " + unreachable.getMessage());
            nextAttempt = System.nanoTime() + RETRY_NANOS;
        }
        return store;
    }

    private void sayOnce(String message) {
        if (!said) {
            LOG.warn(message);
            said = true;
        }
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
        }
    }
}
