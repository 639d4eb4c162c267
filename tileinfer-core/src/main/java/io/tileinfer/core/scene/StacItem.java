package io.tileinfer.core.scene;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tileinfer.core.config.Locations;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parts of a STAC Item that make a scene: its datetime and its per-band GeoTIFF assets. */
public record StacItem(String location, String id, String datetime, Map<String, Asset> assets) {

    /** A raster asset; {@code aliases} are the names it answers to (its key, eo:bands name and common name). */
    public record Asset(String key, String href, List<String> aliases) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads an item from a local path or an http(s) URL; problems become {@link ValidationIssue}s upstream. */
    public static StacItem read(String location) throws IOException {
        JsonNode root;
        if (location.startsWith("http://") || location.startsWith("https://")) {
            root = JSON.readTree(fetch(location));
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
        JsonNode datetime = root.path("properties").path("datetime");
        return new StacItem(location, root.path("id").asText(null),
                datetime.isTextual() ? datetime.asText() : null, assets);
    }

    private static void addText(List<String> into, JsonNode node) {
        if (node.isTextual() && !into.contains(node.asText())) {
            into.add(node.asText());
        }
    }

    private static byte[] fetch(String url) throws IOException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build()) {
            HttpResponse<InputStream> response = client.send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode());
                }
                return body.readAllBytes();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
