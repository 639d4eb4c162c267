package io.tileinfer.core.store;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Which store a command uses, and store URLs as they may be shown: a password in the URL never reaches a message or
 * a log.
 */
public final class StoreUrls {
    /** Names the store of a deployment (e.g. its PostgreSQL) for configurations and commands that name none. */
    public static final String ENV = "TILEINFER_STORE_URL";
    /** {@code password=...} (and pgJDBC's {@code sslpassword=}) as a query parameter, and {@code user:password@}. */
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;](?:ssl)?password=)[^&;]*");
    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/:@]*:)[^/@]*@");
    static final String SQLITE = "jdbc:sqlite:";

    /** What a URL that {@link #keepsNothing keeps nothing} is, as a refusal says it, and what is expected instead. */
    public static final String KEEPS_NOTHING = "a database that is gone when the run ends";
    public static final String EXPECTED_KEPT = "a file such as jdbc:sqlite:results.db (a resume reads the rows of the "
            + "run it resumes)";

    private StoreUrls() {
    }

    /**
     * The store's JDBC URL: {@code configured} when not null, else {@value #ENV}, else the embedded SQLite database
     * {@code results.db} in {@code embeddedDir}.
     */
    public static String effective(String configured, Path embeddedDir) {
        if (configured != null) {
            return configured;
        }
        String deployment = System.getenv(ENV);
        if (deployment != null && !deployment.isBlank()) {
            // a relative SQLite path is this process's working directory's, not that of each Spark executor
            return resolveSqlite(deployment.strip(), Path.of("").toAbsolutePath());
        }
        return SQLITE + embeddedDir.resolve("results.db");
    }

    /**
     * A configuration's {@code jdbc:sqlite:PATH} with a relative PATH resolved against {@code base}, as every path of a
     * configuration is; other URLs, absolute paths, {@code :memory:} and {@code file:} URIs as they are.
     */
    public static String resolveSqlite(String url, Path base) {
        if (!url.startsWith(SQLITE)) {
            return url;
        }
        String rest = url.substring(SQLITE.length());
        int query = rest.indexOf('?');
        String path = query < 0 ? rest : rest.substring(0, query);
        if (path.isEmpty() || path.startsWith(":") || path.startsWith("file:") || Path.of(path).isAbsolute()) {
            return url;
        }
        return SQLITE + base.resolve(path).normalize() + (query < 0 ? "" : rest.substring(query));
    }

    /**
     * Whether a URL names an SQLite database that is gone when the connection closes: no path, or SQLite's in-memory
     * names. A run needs its rows after it ends: resume reads them, and so do {@code runs} and the page.
     */
    public static boolean keepsNothing(String url) {
        if (!url.startsWith(SQLITE)) {
            return false;
        }
        String rest = url.substring(SQLITE.length());
        int query = rest.indexOf('?');
        String path = query < 0 ? rest : rest.substring(0, query);
        return path.isBlank() || path.equals(":memory:") || path.startsWith("file::memory:") || path.equals("file:")
                || rest.contains("mode=memory");
    }

    public static String redact(String url) {
        String masked = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
        return USER_INFO_PASSWORD.matcher(masked).replaceAll("$1***@");
    }
}
