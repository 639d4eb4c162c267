package io.tileinfer.core.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The software's version and the git commit it was built from (written at build time). */
public final class Version {
    private static final Properties BUILD = load();

    private Version() {
    }

    public static String tileinfer() {
        return BUILD.getProperty("git.build.version", "unknown");
    }

    public static String commit() {
        String commit = BUILD.getProperty("git.commit.id.full", "unknown");
        return "true".equals(BUILD.getProperty("git.dirty")) ? commit + "-dirty" : commit;
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/tileinfer-git.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // leave the version unknown rather than fail a run over it
        }
        return properties;
    }
}
