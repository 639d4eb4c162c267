package io.tileinfer.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The default bound on connections leaves the process file descriptors of its own. */
class ConnectionLimitTest {

    @Test
    void theDefaultIsTheDescriptorLimitLessAReserve() {
        assertEquals(1024 - ConnectionLimit.RESERVED_DESCRIPTORS, ConnectionLimit.resolve(0, 1024));
        assertEquals(ConnectionLimit.DEFAULT_MAX, ConnectionLimit.resolve(0, 1 << 20));
        assertEquals(ConnectionLimit.DEFAULT_MAX, ConnectionLimit.resolve(0, -1));
        assertEquals(128, ConnectionLimit.resolve(0, 256)); // a tiny limit: half of it
        assertEquals(5000, ConnectionLimit.resolve(5000, 1024)); // the operator's choice stands (with a warning)
    }
}
