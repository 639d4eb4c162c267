package io.tileinfer.core.scene;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses acquisition times from the places satellite products keep them. */
final class AcquisitionTimes {
    private static final DateTimeFormatter TIFF = DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss");
    private static final Pattern MTL_DATE = Pattern.compile("^\\s*DATE_ACQUIRED\\s*=\\s*\"?([0-9-]+)\"?\\s*$",
            Pattern.MULTILINE);
    // any value, as written: "noon" is a time line that says no time, not no line ([ \t]: never the next line's)
    private static final Pattern MTL_TIME = Pattern.compile("^[ \t]*SCENE_CENTER_TIME[ \t]*=[ \t]*(.*?)[ \t]*$",
            Pattern.MULTILINE);
    private static final Pattern TIME_OF_DAY = Pattern.compile("\"?([0-9:.]+)Z?\"?");
    private static final Pattern MTL_SUN_ELEVATION = Pattern.compile("^\\s*SUN_ELEVATION\\s*=\\s*(\\S+)\\s*$",
            Pattern.MULTILINE);

    private AcquisitionTimes() {
    }

    /** TIFFTAG_DATETIME ("YYYY:MM:DD HH:MM:SS"); the TIFF standard has no time zone, so UTC is assumed. */
    static Instant fromTiff(String value) {
        return LocalDateTime.parse(value.trim(), TIFF).toInstant(ZoneOffset.UTC);
    }

    /**
     * A Landsat metadata file ({@code *MTL.txt}) beside local band files, as read, with its DATE_ACQUIRED (the day, UTC,
     * the scene was taken).
     */
    record Mtl(Path path, String text, LocalDate date) {

        /**
         * DATE_ACQUIRED at SCENE_CENTER_TIME (UTC); empty without a SCENE_CENTER_TIME that is a time of day: the day
         * alone is no instant, and midnight would be a wrong one (and so would a sun computed for it).
         */
        Optional<Instant> acquired() {
            return sceneCenterTime().map(TIME_OF_DAY::matcher).filter(Matcher::matches).flatMap(time -> {
                try {
                    return Optional.of(date.atTime(LocalTime.parse(time.group(1))).toInstant(ZoneOffset.UTC));
                } catch (DateTimeParseException e) { // 25:61:00
                    return Optional.empty();
                }
            });
        }

        /** The SCENE_CENTER_TIME line's value as written ("16:19:21.7917421Z" in quotes); empty without the line. */
        Optional<String> sceneCenterTime() {
            Matcher time = MTL_TIME.matcher(text);
            return time.find() ? Optional.of(time.group(1)) : Optional.empty();
        }

        /** The SUN_ELEVATION line's value as written; empty when there is no such line. */
        Optional<String> sunElevation() {
            Matcher elevation = MTL_SUN_ELEVATION.matcher(text);
            return elevation.find() ? Optional.of(elevation.group(1)) : Optional.empty();
        }
    }

    /**
     * Every {@code *MTL.txt} with a DATE_ACQUIRED that is a date beside a local band file, by name (more than one is
     * ambiguous).
     */
    static List<Mtl> landsatMtls(String bandLocation) {
        Path dir = Path.of(bandLocation).toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        List<Mtl> found = new ArrayList<>();
        try (DirectoryStream<Path> mtls = Files.newDirectoryStream(dir, "*MTL.txt")) {
            for (Path mtl : mtls) {
                String text = Files.readString(mtl);
                Matcher date = MTL_DATE.matcher(text);
                if (date.find()) {
                    try {
                        found.add(new Mtl(mtl, text, LocalDate.parse(date.group(1))));
                    } catch (DateTimeParseException notADate) {
                        // "2015-13-45": no day to tell the scene's by, as if it had none
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        found.sort(Comparator.comparing(Mtl::path));
        return found;
    }
}
