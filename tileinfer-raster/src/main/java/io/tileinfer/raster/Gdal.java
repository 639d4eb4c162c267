package io.tileinfer.raster;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Loads and configures libgdal once per process. Every public entry point of this package calls {@link #init()}. */
public final class Gdal {

    /** Path of a libgdal to use instead of the system's. */
    private static final String LIBRARY_ENV = "TILEINFER_GDAL_LIBRARY";
    /** GDAL's block cache defaults to 5 % of RAM; a bounded cache keeps many parallel readers predictable. */
    private static final String DEFAULT_CACHE_MAX_MB = "128";

    private static volatile SymbolLookup library;
    private static volatile boolean initialized;

    private Gdal() {
    }

    /**
     * Loads libgdal (from {@value #LIBRARY_ENV}, else the platform's library path, else Debian's
     * libgdal.so.32), registers the drivers, bounds GDAL_CACHEMAX unless the environment sets it, and
     * silences GDAL's printing to stderr (errors are still reported through exceptions). Idempotent.
     *
     * @throws GdalUnavailableException when libgdal cannot be loaded, or lacks a function tileinfer binds
     */
    public static void init() {
        if (!initialized) {
            initialize();
        }
    }

    private static synchronized void initialize() {
        if (initialized) {
            return;
        }
        library = loadLibrary();
        if (System.getenv("GDAL_CACHEMAX") == null) {
            setOption("GDAL_CACHEMAX", DEFAULT_CACHE_MAX_MB);
        }
        remoteDefaults().forEach((key, value) -> {
            if (System.getenv(key) == null) {
                setOption(key, value);
            }
        });
        try {
            GdalBindings.useQuietErrorHandler();
        } catch (ExceptionInInitializerError e) {
            // A libgdal too old to have every function we bind: report that rather than a linkage error.
            if (e.getCause() instanceof GdalUnavailableException tooOld) {
                throw tooOld;
            }
            throw e;
        }
        GdalBindings.allRegister();
        initialized = true;
    }

    /**
     * Bounded waits and a few retries for remote reads, and the endpoint of the AWS SDKs' standard variables
     * (AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL), which GDAL 3.6 does not read itself.
     */
    private static Map<String, String> remoteDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>(ObjectStoreOptions.DEFAULTS.gdalOptions());
        String endpoint = System.getenv("AWS_ENDPOINT_URL_S3");
        if (endpoint == null) {
            endpoint = System.getenv("AWS_ENDPOINT_URL");
        }
        if (endpoint != null && !endpoint.isBlank()) {
            defaults.putAll(new ObjectStoreOptions(URI.create(endpoint.strip()), null, null, null, null, null,
                    null, null).gdalOptions());
        }
        return defaults;
    }

    /** For {@link GdalBindings}' static initialiser, which runs only after {@link #init()} loaded the library. */
    static SymbolLookup loadedLibrary() {
        SymbolLookup loaded = library;
        if (loaded == null) {
            throw new IllegalStateException("Gdal.init() must run before any GDAL function is bound");
        }
        return loaded;
    }

    private static SymbolLookup loadLibrary() {
        String configured = System.getenv(LIBRARY_ENV);
        Set<String> candidates = new LinkedHashSet<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        } else {
            candidates.add(System.mapLibraryName("gdal")); // libgdal.so: only present with libgdal-dev
            candidates.add("libgdal.so.32");                // Debian 12's runtime package, found by ld.so
            candidates.add("/usr/lib/x86_64-linux-gnu/libgdal.so.32");
            candidates.add("/usr/lib/aarch64-linux-gnu/libgdal.so.32");
        }
        List<String> failures = new ArrayList<>();
        for (String candidate : candidates) {
            try {
                return candidate.contains("/")
                        ? SymbolLookup.libraryLookup(Path.of(candidate), Arena.global())
                        : SymbolLookup.libraryLookup(candidate, Arena.global());
            } catch (IllegalArgumentException notLoadable) {
                failures.add(candidate);
            }
        }
        throw new GdalUnavailableException("cannot load libgdal (tried " + String.join(", ", failures)
                + "): install Debian's libgdal32 (apt-get install gdal-bin), or set " + LIBRARY_ENV
                + " to the full path of a libgdal shared library");
    }

    /** GDAL's release name, e.g. "3.6.2". */
    public static String version() {
        init();
        try (Arena arena = Arena.ofConfined()) {
            return GdalBindings.string(GdalBindings.versionInfo(arena.allocateFrom("RELEASE_NAME")));
        }
    }

    /** Sets a process-wide GDAL configuration option; a null value unsets it. */
    public static void setConfigOption(String key, String value) {
        init();
        setOption(key, value);
    }

    private static void setOption(String key, String value) {
        try (Arena arena = Arena.ofConfined()) {
            GdalBindings.setConfigOption(arena.allocateFrom(key), GdalBindings.cString(arena, value));
        }
    }

    /**
     * The GDAL virtual file system path for a location: local paths and "/vsi..." paths unchanged,
     * "http(s)://..." through /vsicurl/, "s3://bucket/key" through /vsis3/.
     */
    public static String vsiPath(String location) {
        if (location.startsWith("http://") || location.startsWith("https://")) {
            return "/vsicurl/" + location;
        }
        if (location.startsWith("s3://")) {
            return "/vsis3/" + location.substring("s3://".length());
        }
        return location;
    }
}
