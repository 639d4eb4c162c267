package io.tileinfer.core.scene;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tileinfer.core.FileErrors;
import io.tileinfer.core.config.DateTimes;
import io.tileinfer.core.config.Locations;
import io.tileinfer.model.JsonErrors;
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

/**
 * The parts of a STAC Item that make a scene: its datetime (null when the item has none) and its per-band GeoTIFF
 * assets (an asset that declares several bands is a composite such as a true-colour "visual", and is left out).
 */
public record StacItem(String location, String id, Instant datetime, Map<String, Asset> assets,
                       List<String> composites) {

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
        JsonNode root = document(location);
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
            assets.put(entry.getKey(), new Asset(entry.getKey(), resolved, aliases));
        }
        return new StacItem(location, root.path("id").asText(null), datetime(location, root), assets,
                List.copyOf(composites));
    }

    /** The item's JSON object, or what the file holds instead. */
    private static JsonNode document(String location) throws Invalid {
        byte[] bytes;
        try {
            bytes = Locations.isRemote(location) ? RemoteFiles.read(location) : Files.readAllBytes(Path.of(location));
        } catch (IOException e) {
            throw new Invalid(location, "readable", "cannot read: " + FileErrors.reason(e), AN_ITEM);
        } catch (RasterException e) {
            throw new Invalid(location, SceneInspector.unreadable(e), e.problem(), AN_ITEM);
        }
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

    /**
     * {@code properties.datetime}; STAC allows null (with a start and end instead), which leaves the time unknown, like
     * an item without properties.
     */
    private static Instant datetime(String location, JsonNode root) throws Invalid {
        JsonNode properties = root.path("properties");
        if (!properties.isObject() && !properties.isMissingNode()) {
            throw new Invalid(location, "properties", describe(properties), "a JSON object");
        }
        JsonNode datetime = properties.path("datetime");
        if (datetime.isMissingNode() || datetime.isNull()) {
            return null;
        }
        if (!datetime.isTextual()) {
            throw new Invalid(location, "properties.datetime", describe(datetime), DateTimes.EXPECTED);
        }
        try {
            return DateTimes.parse(datetime.textValue());
        } catch (IllegalArgumentException e) {
            throw new Invalid(location, "properties.datetime", e.getMessage(), DateTimes.EXPECTED);
        }
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
