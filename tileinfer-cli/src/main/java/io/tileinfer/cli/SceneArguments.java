package io.tileinfer.cli;

import io.tileinfer.core.config.Locations;
import io.tileinfer.core.config.SceneSpec;
import io.tileinfer.core.config.UrlCredentials;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Scenes named on the command line: a GeoTIFF, a STAC Item ({@code .json}), or a directory whose GeoTIFFs are
 * single bands named by their file names (B1.tif, B2.tif, ... in natural order). A name that ends in a band token, as
 * the archives name their files ({@code LC08_L1TP_..._T1_B2.TIF}, {@code T18SVG_..._B8A.tif}, {@code b2.tif}), gives
 * that band ({@code B2}, {@code B8A}).
 */
final class SceneArguments {
    private static final Pattern NUMBERED = Pattern.compile("(\\D*)(\\d+)(.*)");
    private static final Pattern BAND_SUFFIX = Pattern.compile("(?i)(?:.*_)?(B\\d{1,2}A?|BQA)");

    private SceneArguments() {
    }

    static SceneSpec spec(String argument) throws IOException {
        Optional<String> credentials = UrlCredentials.find(argument);
        if (credentials.isPresent()) { // named without the secret: this line may end up in a log
            throw new IllegalArgumentException(UrlCredentials.shown(argument) + ": has " + credentials.get()
                    + ", expected " + UrlCredentials.EXPECTED);
        }
        String location = Locations.resolve(Path.of(""), argument);
        String fileName = Locations.fileName(location);
        String name = fileName.replaceAll("[^A-Za-z0-9._-]", "_");
        if (Locations.isLocal(location) && !Files.exists(Path.of(location))) { // a typo: usage, not a scene's issue
            throw new IllegalArgumentException(argument + ": no such file or directory");
        }
        if (Locations.isLocal(location) && Files.isDirectory(Path.of(location))) {
            Map<String, String> bands = new LinkedHashMap<>();
            try (Stream<Path> files = Files.list(Path.of(location))) {
                for (Path file : files.filter(f -> f.getFileName().toString().matches("(?i).*\\.tiff?$"))
                        .sorted(Comparator.comparing(SceneArguments::bandName, SceneArguments::natural)
                                .thenComparing(Path::getFileName)).toList()) {
                    String earlier = bands.putIfAbsent(bandName(file), file.toString());
                    if (earlier != null) {
                        throw new IllegalArgumentException(location + ": two files for band " + bandName(file)
                                + ": " + Path.of(earlier).getFileName() + " and " + file.getFileName()
                                + ", expected one a band");
                    }
                }
            }
            if (bands.isEmpty()) {
                throw new IllegalArgumentException(location + ": no GeoTIFF files in this directory");
            }
            return new SceneSpec(name, null, null, bands, null, null, null);
        }
        if (fileName.toLowerCase(Locale.ROOT).endsWith(".json")) { // a signed URL's query aside
            return new SceneSpec(name.replaceFirst("(?i)\\.json$", ""), null, null, null, location, null, null);
        }
        return new SceneSpec(name, location, null, null, null, null, null);
    }

    static String bandName(Path file) {
        String stem = file.getFileName().toString().replaceFirst("(?i)\\.tiff?$", "");
        Matcher band = BAND_SUFFIX.matcher(stem);
        return band.matches() ? band.group(1).toUpperCase(Locale.ROOT) : stem;
    }

    /** B2 before B10. */
    private static int natural(String a, String b) {
        Matcher ma = NUMBERED.matcher(a);
        Matcher mb = NUMBERED.matcher(b);
        if (ma.matches() && mb.matches() && ma.group(1).equals(mb.group(1))) {
            int byNumber = Long.compare(Long.parseLong(ma.group(2)), Long.parseLong(mb.group(2)));
            return byNumber != 0 ? byNumber : ma.group(3).compareTo(mb.group(3));
        }
        return a.compareTo(b);
    }

    static List<SceneSpec> specs(List<String> arguments) throws IOException {
        List<SceneSpec> specs = new java.util.ArrayList<>();
        for (String argument : arguments) {
            specs.add(spec(argument));
        }
        return specs;
    }
}
