package io.tileinfer.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tileinfer.core.run.Version;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the hand-written OpenAPI 3.0 document of every endpoint (a resource beside this class),
 * with the software's version and the inference endpoints' security as this server is configured.
 */
final class OpenApiDocument {

    private OpenApiDocument() {
    }

    static byte[] render(boolean apiKeyRequired) {
        ObjectNode document;
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi.json")) {
            document = (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the OpenAPI document is missing from the jar", e);
        }
        ((ObjectNode) document.get("info")).put("version", Version.tileinfer());
        for (JsonNode path : document.get("paths")) {
            for (JsonNode operation : path) {
                if (operation.has("security")) {
                    ArrayNode security = Json.MAPPER.createArrayNode();
                    if (apiKeyRequired) {
                        security.addObject().putArray("apiKey");
                    }
                    ((ObjectNode) operation).set("security", security);
                }
            }
        }
        return Json.bytes(document);
    }
}
