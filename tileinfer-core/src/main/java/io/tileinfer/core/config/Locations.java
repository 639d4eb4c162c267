package io.tileinfer.core.config;

import java.nio.file.Path;

/** Where an input lives: a local path (relative ones against a base directory) or a URL kept as it is. */
public final class Locations {
    private Locations() {
    }

    public static boolean isRemote(String location) {
        return location.contains("://") || location.startsWith("/vsi");
    }

    public static boolean isLocal(String location) {
        return !isRemote(location);
    }

    public static String resolve(Path baseDir, String location) {
        if (isRemote(location)) {
            return location;
        }
        return baseDir.resolve(location).toAbsolutePath().normalize().toString();
    }

    /** A location relative to another file's location (a STAC asset's href beside its item). */
    public static String sibling(String fileLocation, String href) {
        if (isRemote(href) || href.startsWith("/")) {
            return href;
        }
        if (isRemote(fileLocation)) {
            return fileLocation.substring(0, fileLocation.lastIndexOf('/') + 1) + href;
        }
        Path parent = Path.of(fileLocation).toAbsolutePath().getParent();
        return parent.resolve(href).normalize().toString();
    }
}
