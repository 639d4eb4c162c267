package io.tileinfer.core.scene;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tileinfer.core.Hashing;
import io.tileinfer.core.config.DateTimes;
import io.tileinfer.core.config.Locations;
import io.tileinfer.core.config.UrlCredentials;
import io.tileinfer.model.JsonErrors;
import io.tileinfer.raster.FileErrors;
import io.tileinfer.raster.RasterException;
import io.tileinfer.raster.RemoteFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of a STAC Item that make a scene: its time and its per-band GeoTIFF assets (an asset that declares
 * several bands is a composite such as a true-colour "visual", and is left out). The time is {@code datetime}, or,
 * when the item's is null, the range from {@code start_datetime} to {@code acquiredUntil} (STAC's
 * {@code end_datetime}: a composite of several passes); {@code datetime} is null when the item has no time at all.
 * A time that is not one (not RFC 3339, half a range, an end before its start) is {@code timeIssue}, with no time:
 * the item's problem only where its time is needed (a scene's configured {@code acquired} wins over it).
 * {@code sha256} is that of the bytes read, for the manifest: a remote item is then not fetched a second time.
 * {@code sunElevation} is STAC's {@code view:sun_elevation} (degrees), null when the item gives none; one that is not
 * a number from -90 to 90 is {@code sunElevationIssue}, the item's problem only where a model needs it.
 */
public record StacItem(String location, String id, Instant datetime, Instant acquiredUntil, Map<String, Asset> assets,
                       List<String> composites, ValidationIssue timeIssue, String sha256, Double sunElevation,
                       ValidationIssue sunElevationIssue) {

    /** A raster asset; {@code aliases} are the names it answers to (its key, eo:bands name and common name). */
    public record Asset(String key, String href, List<String> aliases) {
    }

    /** An item that a scene cannot be made of; the issue names the item, the field and what was expected. */
    public static final class Invalid extends Exception {
        private final transient ValidationIssue issue;

        Invalid(String location, String field, String found, String expected) {
            this(new ValidationIssue(location, field, found, expected));
        }

        private Invalid(ValidationIssue issue) {
            super(issue.message());
            this.issue = issue;
        }

        public ValidationIssue issue() {
            return issue;
        }
    }

    /** A key given twice or text after the object would be read silently otherwise: the last value, or ignored. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final String AN_ITEM = "a STAC Item in JSON";

    /**
     * Reads an item from a local path, an http(s):// or s3:// URL (through GDAL, with the raster reads' endpoint,
     * credentials, timeouts and retries). The fields a scene depends on must have the types STAC gives them: a
     * mistake is reported, never read as something else.
     */
    public static StacItem read(String location) throws Invalid {
        byte[] bytes = bytes(location);
        JsonNode root = document(location, bytes);
        if (!"Feature".equals(root.path("type").textValue())) {
            throw new Invalid(location, "type", describe(root.path("type")), "\"Feature\" (a STAC Item)");
        }
        Map<String, Asset> assets = new LinkedHashMap<>();
        List<String> composites = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("assets").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode asset = entry.getValue();
            JsonNode href = asset.path("href");
            if (!href.isTextual() || href.textValue().isEmpty()) {
                throw new Invalid(location, "assets." + entry.getKey() + ".href", describe(href),
                        "a URL, or a path relative to the item");
            }
            String type = asset.path("type").asText("");
            if (!type.startsWith("image/tiff") && !href.textValue().matches("(?i).*\\.tiff?$")) {
                continue;
            }
            // STAC 1.0's eo:bands, or STAC 1.1's bands with eo:common_name
            String field = asset.has("eo:bands") || !asset.has("bands") ? "eo:bands" : "bands";
            JsonNode declared = asset.path(field);
            if (!declared.isMissingNode() && !declared.isArray()) {
                throw new Invalid(location, "assets." + entry.getKey() + "." + field, describe(declared),
                        "an array of band objects");
            }
            if (declared.size() > 1) {
                composites.add(entry.getKey()); // several bands in one file (a true-colour "visual")
                continue;
            }
            List<String> aliases = new ArrayList<>(List.of(entry.getKey()));
            for (JsonNode band : declared) {
                addText(aliases, band.path("name"));
                addText(aliases, band.path("common_name"));
                addText(aliases, band.path("eo:common_name"));
            }
            String resolved;
            try {
                resolved = Locations.sibling(location, href.textValue());
            } catch (IllegalArgumentException e) {
                throw new Invalid(location, "assets." + entry.getKey() + ".href", describe(href) + ", "
                        + e.getMessage(), "a URL, or a path relative to the item");
            }
            // a signed href would be copied into the manifest, the output's item and the rows: the item's issue
            Optional<String> credentials = UrlCredentials.find(resolved);
            if (credentials.isPresent()) {
                throw new Invalid(location, "assets." + entry.getKey() + ".href", credentials.get(),
                        UrlCredentials.EXPECTED);
            }
            assets.put(entry.getKey(), new Asset(entry.getKey(), resolved, aliases));
        }
        JsonNode properties = root.path("properties");
        if (!properties.isObject() && !properties.isMissingNode()) {
            throw new Invalid(location, "properties", describe(properties), "a JSON object");
        }
        Time time = Time.NONE;
        ValidationIssue timeIssue = null;
        try {
            time = time(location, properties);
        } catch (Invalid e) {
            timeIssue = e.issue();
        }
        JsonNode sun = properties.path("view:sun_elevation");
        boolean validSun = sun.isNumber() && Math.abs(sun.doubleValue()) <= 90;
        ValidationIssue sunIssue = validSun || sun.isMissingNode() || sun.isNull() ? null
                : new ValidationIssue(location, "properties.view:sun_elevation", describe(sun),
                        "degrees from -90 to 90 (STAC's view extension)");
        return new StacItem(location, root.path("id").asText(null), time.at(), time.until(), assets,
                List.copyOf(composites), timeIssue, Hashing.sha256(bytes), validSun ? sun.doubleValue() : null,
                sunIssue);
    }

    private static byte[] bytes(String location) throws Invalid {
        try {
            return Locations.isRemote(location) ? RemoteFiles.read(location) : Files.readAllBytes(Path.of(location));
        } catch (IOException e) {
            throw new Invalid(location, "readable", "cannot read: " + FileErrors.reason(e), AN_ITEM);
        } catch (RasterException e) {
            throw new Invalid(location, SceneInspector.unreadable(e), e.problem(), AN_ITEM);
        }
    }

    /** The item's JSON object, or what the file holds instead. */
    private static JsonNode document(String location, byte[] bytes) throws Invalid {
        JsonNode root;
        try {
            // RFC 8259: JSON is UTF-8, and a parser may ignore a byte order mark (editors on Windows write one)
            String text = new String(bytes, StandardCharsets.UTF_8);
            root = JSON.readTree(text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (JsonProcessingException e) {
            throw new Invalid(location, "readable", "malformed JSON: " + JsonErrors.describe(e), AN_ITEM);
        }
        if (root.isMissingNode()) {
            throw new Invalid(location, "readable", "an empty file", AN_ITEM);
        }
        if (!root.isObject()) {
            throw new Invalid(location, "readable", describe(root), AN_ITEM + " (an object)");
        }
        return root;
    }

    /** An instant ({@code until} null), a range, or none. */
    private record Time(Instant at, Instant until) {
        static final Time NONE = new Time(null, null);
    }

    private static Time time(String location, JsonNode properties) throws Invalid {
        Instant datetime = instant(location, properties, "datetime");
        if (datetime != null || !(properties.has("start_datetime") || properties.has("end_datetime"))) {
            return new Time(datetime, null);
        }
        Instant start = requiredTime(location, properties, "start_datetime");
        Instant end = requiredTime(location, properties, "end_datetime");
        if (end.isBefore(start)) {
            throw new Invalid(location, "properties.end_datetime", end + ", before start_datetime " + start,
                    "a time at or after start_datetime");
        }
        return new Time(start, end);
    }

    /** {@code properties.<field>}: null when absent or null (STAC allows a null datetime with a range instead). */
    private static Instant instant(String location, JsonNode properties, String field) throws Invalid {
        JsonNode value = properties.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new Invalid(location, "properties." + field, describe(value), DateTimes.EXPECTED);
        }
        try {
            return DateTimes.parse(value.textValue());
        } catch (IllegalArgumentException e) {
            throw new Invalid(location, "properties." + field, e.getMessage(), DateTimes.EXPECTED);
        }
    }

    /** Either end of a range: STAC requires both when the datetime is null. */
    private static Instant requiredTime(String location, JsonNode properties, String field) throws Invalid {
        Instant time = instant(location, properties, field);
        if (time == null) {
            throw new Invalid(location, "properties." + field, describe(properties.path(field)), DateTimes.EXPECTED
                    + " (STAC requires start_datetime and end_datetime when datetime is null)");
        }
        return time;
    }

    /** A JSON value as an issue shows what was found: a string quoted, {@code 123 (a number)}, a JSON array... */
    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "\"" + node.textValue() + "\"";
            case MISSING -> "nothing";
            case NULL -> "null";
            case ARRAY -> "a JSON array";
            case OBJECT -> "a JSON object";
            default -> node + " (a " + node.getNodeType().name().toLowerCase(Locale.ROOT) + ")";
        };
    }

    private static void addText(List<String> into, JsonNode node) {
        if (node.isTextual() && !into.contains(node.asText())) {
            into.add(node.asText());
        }
    }
}
