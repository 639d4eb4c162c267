package io.tileinfer.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A STAC asset's href against its item's location. */
class LocationsTest {

    @Test
    void beside_a_url_an_href_resolves_as_rfc_3986_says() {
        String item = "https://example.org/stac/items/S2A.json?sig=1";
        assertEquals("https://example.org/stac/items/B04.tif", Locations.sibling(item, "B04.tif"));
        assertEquals("https://example.org/stac/cogs/B04.tif", Locations.sibling(item, "../cogs/B04.tif"));
        assertEquals("https://example.org/cogs/B04.tif", Locations.sibling(item, "/cogs/B04.tif"),
                "the host's root, not a local file");
        assertEquals("https://example.org/stac/items/a%20b.tif", Locations.sibling(item, "a b.tif"));
        assertEquals("https://example.org/stac/items/a%20b.tif", Locations.sibling(item, "a%20b.tif"));
        assertEquals("s3://bucket/cogs/B04.tif", Locations.sibling("s3://bucket/items/S2A.json", "/cogs/B04.tif"));
        assertEquals("https://other.org/B04.tif", Locations.sibling(item, "https://other.org/B04.tif"));
        assertEquals("file:///etc/hostname", Locations.sibling(item, "file:///etc/hostname"),
                "left as it is, which no reader opens");
    }

    @Test
    void beside_a_local_file_an_href_is_a_path(@TempDir Path dir) {
        String item = dir.resolve("items/S2A.json").toString();
        assertEquals(dir.resolve("items/B04.tif").toString(), Locations.sibling(item, "B04.tif"));
        assertEquals(dir.resolve("cogs/B04.tif").toString(), Locations.sibling(item, "../cogs/B04.tif"));
        assertEquals("/data/B04.tif", Locations.sibling(item, "/data/B04.tif"));
        assertEquals("/data/B04.tif", Locations.sibling(item, "file:///data/B04.tif"));
    }
}
