package io.tileinfer.api;

import com.sun.management.UnixOperatingSystemMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;

/**
 * How many connections the server keeps open at once (Helidon's {@code maxTcpConnections}: beyond, it accepts no
 * more until one closes, and new ones wait in the kernel's accept queue). Each connection is a file descriptor: when
 * the process runs out of them, Helidon 4.5's accept loop ends for good ("Too many open files") while the JVM lives
 * on, deaf. Bounding the connections below the process's limit keeps the listener alive.
 */
final class ConnectionLimit {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);
    /** Descriptors left to the rest of the process: the JVM's jars, the model, GDAL's files, the store, logs. */
    static final int RESERVED_DESCRIPTORS = 256;
    /** Without a known descriptor limit (not Unix), and the most the default ever is. */
    static final int DEFAULT_MAX = 10_000;
    private static final int MIN = 16;

    private ConnectionLimit() {
    }

    /** @param requested the operator's --max-connections, 0 for the default */
    static int resolve(int requested) {
        long descriptors = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
        return resolve(requested, descriptors);
    }

    /** @param descriptors the process's file descriptor limit, -1 when unknown */
    static int resolve(int requested, long descriptors) {
        long safe = descriptors <= 0 ? DEFAULT_MAX
                : Math.max(MIN, descriptors > 2L * RESERVED_DESCRIPTORS ? descriptors - RESERVED_DESCRIPTORS
                : descriptors / 2);
        if (requested == 0) {
            return (int) Math.min(DEFAULT_MAX, safe);
        }
        if (requested > safe) {
            // starting anyway (the limit may be raised later, or the load never reach it), but said once
            LOG.warn("--max-connections {} leaves too few of the process's {} file descriptors: when that many "
                    + "connections are open the server stops accepting any for good; use at most {} (or raise "
                    + "ulimit -n)", requested, descriptors, safe);
        }
        return requested;
    }
}
