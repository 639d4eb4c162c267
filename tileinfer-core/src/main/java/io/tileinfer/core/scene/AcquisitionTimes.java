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
    private static final Pattern MTL_DATE = mtlLine("DATE_ACQUIRED");
    private static final Pattern MTL_TIME = mtlLine("SCENE_CENTER_TIME");
    private static final Pattern MTL_SUN_ELEVATION = mtlLine("SUN_ELEVATION");
    private static final Pattern DAY = Pattern.compile("\"?([0-9-]+)\"?");
    private static final Pattern TIME_OF_DAY = Pattern.compile("\"?([0-9:.]+)Z?\"?");

    private AcquisitionTimes() {
    }

    /**
     * A field's line of an MTL.txt, its value as written: "noon" is a line that says no time, not no line, and
     * "SUN_ELEVATION =" one with an empty value ([ \t], not \s: never the next line's).
     */
    private static Pattern mtlLine(String field) {
        return Pattern.compile("^[ \t]*" + field + "[ \t]*=[ \t]*(.*?)[ \t]*$", Pattern.MULTILINE);
    }

    private static Optional<String> value(Pattern line, String text) {
        Matcher value = line.matcher(text);
        return value.find() ? Optional.of(value.group(1)) : Optional.empty();
    }

    /** TIFFTAG_DATETIME ("YYYY:MM:DD HH:MM:SS"); the TIFF standard has no time zone, so UTC is assumed. */
    static Instant fromTiff(String value) {
        return LocalDateTime.parse(value.trim(), TIFF).toInstant(ZoneOffset.UTC);
    }

    /**
     * A Landsat metadata file ({@code *MTL.txt}) beside local band files, as read, with its DATE_ACQUIRED line's value
     * as written.
     */
    record Mtl(Path path, String text, String dateAcquired) {

        /** DATE_ACQUIRED, the day (UTC) the scene was taken; null when it is no date ("", "2015-13-45"). */
        LocalDate date() {
            Matcher day = DAY.matcher(dateAcquired);
            try {
                return day.matches() ? LocalDate.parse(day.group(1)) : null;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }

        /**
         * DATE_ACQUIRED at SCENE_CENTER_TIME (UTC); empty without a SCENE_CENTER_TIME that is a time of day: the day
         * alone is no instant, and midnight would be a wrong one (and so would a sun computed for it).
         */
        Optional<Instant> acquired() {
            LocalDate date = date();
            if (date == null) {
                return Optional.empty();
            }
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
            return value(MTL_TIME, text);
        }

        /** The SUN_ELEVATION line's value as written ("" when it has none); empty when there is no such line. */
        Optional<String> sunElevation() {
            return value(MTL_SUN_ELEVATION, text);
        }
    }

    /**
     * Every {@code *MTL.txt} with a DATE_ACQUIRED line (a Landsat one, not any "HTML.txt") beside a local band file,
     * by name. More than one is ambiguous, whatever their dates: the scene's own may be one whose date is broken.
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
                value(MTL_DATE, text).ifPresent(written -> found.add(new Mtl(mtl, text, written)));
            }
        } catch (IOException e) {
            return List.of();
        }
        found.sort(Comparator.comparing(Mtl::path));
        return found;
    }
}
