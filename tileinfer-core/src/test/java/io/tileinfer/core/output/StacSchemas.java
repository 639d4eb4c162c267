package io.tileinfer.core.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;

import java.util.ArrayList;
import java.util.List;

/**
 * Validates a STAC Item against the official JSON Schemas of STAC 1.0.0 and of every extension it declares. The
 * schemas are the copies under {@code src/test/resources/stac-schemas} (their README says where each comes from);
 * their URLs map to those copies, and the validator fetches nothing from the network (networknt 2.x never does
 * unless told to), so an extension without a local copy is an error rather than a download.
 */
public final class StacSchemas {
    public static final String ITEM = "https://schemas.stacspec.org/v1.0.0/item-spec/json-schema/item.json";
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDialect(Dialects.getDraft7(), builder -> builder
            .schemaIdResolvers(ids -> ids
                    .mapPrefix("https://schemas.stacspec.org/v1.0.0/", "classpath:stac-schemas/stac-spec/v1.0.0/")
                    .mapPrefix("https://geojson.org/schema/", "classpath:stac-schemas/geojson/")
                    .mapPrefix("https://stac-extensions.github.io/", "classpath:stac-schemas/stac-extensions/"))
            // the formats (date-time, iri-reference...) are checked too, not only noted
            .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private StacSchemas() {
    }

    /** Every error of {@code item}, each prefixed with the schema that found it; empty when the item is valid. */
    public static List<String> errors(JsonNode item) {
        List<String> schemas = new ArrayList<>(List.of(ITEM));
        item.path("stac_extensions").forEach(extension -> schemas.add(extension.asText()));
        List<String> errors = new ArrayList<>();
        for (String uri : schemas) {
            Schema schema = SCHEMAS.getSchema(SchemaLocation.of(uri));
            schema.validate(item).forEach(error -> errors.add(uri + ": " + error));
        }
        return errors;
    }
}
