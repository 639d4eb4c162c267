package io.tileinfer.core.scene;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tileinfer.core.config.DateTimes;
import io.tileinfer.core.config.Locations;
import io.tileinfer.raster.RemoteFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a STAC Item that make a scene: its datetime (null when the item has none) and its per-band GeoTIFF
 * assets.
 */
public record StacItem(String location, String id, Instant datetime, Map<String, Asset> assets) {

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

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads an item from a local path, an http(s):// or s3:// URL (through GDAL, with the raster reads' endpoint,
     * credentials, timeouts and retries); problems become {@link ValidationIssue}s upstream.
     */
    public static StacItem read(String location) throws IOException, Invalid {
        JsonNode root;
        if (Locations.isRemote(location)) {
            root = JSON.readTree(RemoteFiles.read(location));
        } else {
            root = JSON.readTree(Files.readAllBytes(Path.of(location)));
        }
        if (!"Feature".equals(root.path("type").asText())) {
            throw new IOException("not a STAC Item: \"type\" is \"" + root.path("type").asText()
                    + "\", expected \"Feature\"");
        }
        Map<String, Asset> assets = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("assets").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode asset = entry.getValue();
            String href = asset.path("href").asText("");
            String type = asset.path("type").asText("");
            boolean raster = type.startsWith("image/tiff") || href.matches("(?i).*\\.tiff?$");
            if (!raster || href.isEmpty()) {
                continue;
            }
            List<String> aliases = new ArrayList<>(List.of(entry.getKey()));
            for (JsonNode band : asset.path("eo:bands")) {
                addText(aliases, band.path("name"));
                addText(aliases, band.path("common_name"));
            }
            assets.put(entry.getKey(), new Asset(entry.getKey(), Locations.sibling(location, href), aliases));
        }
        return new StacItem(location, root.path("id").asText(null), datetime(location, root), assets);
    }

    /** {@code properties.datetime}; STAC allows null (with a start and end instead), which leaves the time unknown. */
    private static Instant datetime(String location, JsonNode root) throws Invalid {
        JsonNode datetime = root.path("properties").path("datetime");
        if (datetime.isMissingNode() || datetime.isNull()) {
            return null;
        }
        if (!datetime.isTextual()) {
            throw new Invalid(location, "properties.datetime", datetime + " (not a string)", DateTimes.EXPECTED);
        }
        try {
            return DateTimes.parse(datetime.asText());
        } catch (IllegalArgumentException e) {
            throw new Invalid(location, "properties.datetime", e.getMessage(), DateTimes.EXPECTED);
        }
    }

    private static void addText(List<String> into, JsonNode node) {
        if (node.isTextual() && !into.contains(node.asText())) {
            into.add(node.asText());
        }
    }
}
