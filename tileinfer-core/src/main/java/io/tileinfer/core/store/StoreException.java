package io.tileinfer.core.store;

/** The result store failed; the message names the store and the operation. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
