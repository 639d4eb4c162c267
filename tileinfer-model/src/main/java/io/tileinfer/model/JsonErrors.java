package io.tileinfer.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a JSON or YAML document that does not parse reads in a message, for every file the project reads (model cards,
 * the registry's aliases, STAC Items, the configurations): one line, {@code line L, column C: what was wrong}.
 * Jackson's messages describe their source ({@code Source: REDACTED (`StreamReadFeature...` disabled)}) and SnakeYAML's
 * quote the text under a caret on lines of their own: neither belongs in a message that already names the file.
 */
public final class JsonErrors {
    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;]*; line: (\\d+), column: (\\d+)]");

    private JsonErrors() {
    }

    public static String describe(JsonProcessingException e) {
        // SnakeYAML puts what it was doing and what it found on unindented lines, the quoted text on indented ones
        String what = e.getOriginalMessage().lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(Collectors.joining(": "));
        what = SOURCE.matcher(what).replaceAll("line $1, column $2");
        if (what.startsWith("Trailing token")) { // Jackson's names its feature and the Java type bound
            what = "more text after the document's end (a file holds one JSON value)";
        }
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? what : "line " + at.getLineNr() + ", column " + at.getColumnNr()
                + ": " + what;
    }
}
