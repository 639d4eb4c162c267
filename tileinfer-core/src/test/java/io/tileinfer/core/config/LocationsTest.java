package io.tileinfer.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    }

    @Test
    void beside_a_gdal_path_an_href_resolves_as_beside_its_url_or_bucket() {
        assertEquals("/vsis3/bucket/cogs/B04.tif", Locations.sibling("/vsis3/bucket/items/S2A.json", "/cogs/B04.tif"));
        assertEquals("/vsis3/bucket/items/B04.tif", Locations.sibling("/vsis3/bucket/items/S2A.json", "B04.tif"));
        assertEquals("/vsicurl/https://example.org/cogs/B04.tif",
                Locations.sibling("/vsicurl/https://example.org/items/S2A.json", "/cogs/B04.tif"));
    }

    /** A document from elsewhere does not get to choose which of this machine's files are read. */
    @Test
    void a_remote_item_never_names_a_local_file() {
        String item = "https://example.org/stac/items/S2A.json";
        for (String href : new String[] {"file:///etc/hostname", "C:/data/B04.tif", "/vsimem/x.tif",
                "/vsisubfile/0_757330,/data/B2.tif", "/vsigzip//data/B2.tif.gz", "/vsizip//data/a.zip/B2.tif",
                "/vsitar//data/a.tar/B2.tif", "/vsicurl/file:///etc/hostname", "ftp://example.org/B2.tif"}) {
            assertThrows(IllegalArgumentException.class, () -> Locations.sibling(item, href), href);
        }
        for (String href : new String[] {"http://other.org/B2.tif", "s3://b/B2.tif", "/vsis3/b/B2.tif",
                "/vsicurl/https://other.org/B2.tif", "/vsigs/b/B2.tif", "/vsiaz/c/B2.tif"}) {
            assertEquals(href, Locations.sibling(item, href));
        }
        assertThrows(IllegalArgumentException.class, () -> Locations.sibling("/vsis3/b/items/i.json", "file:/x.tif"));
    }

    @Test
    void beside_a_local_file_an_href_is_a_path(@TempDir Path dir) {
        String item = dir.resolve("items/S2A.json").toString();
        assertEquals(dir.resolve("items/B04.tif").toString(), Locations.sibling(item, "B04.tif"));
        assertEquals(dir.resolve("cogs/B04.tif").toString(), Locations.sibling(item, "../cogs/B04.tif"));
        assertEquals("/data/B04.tif", Locations.sibling(item, "/data/B04.tif"));
        assertEquals("/data/B04.tif", Locations.sibling(item, "file:///data/B04.tif"));
        assertEquals("/data/B04.tif", Locations.sibling(item, "file://localhost/data/B04.tif"));
        assertEquals("/data/a b.tif", Locations.sibling(item, "file:///data/a%20b.tif"));
        assertEquals("/data/a b.tif", Locations.sibling(item, "file:///data/a b.tif"));
        assertThrows(IllegalArgumentException.class, () -> Locations.sibling(item, "file:B04.tif"));
        // a relative href is a URI reference, percent-decoded; text that is none is a file name as written
        assertEquals(dir.resolve("items/B3 copy.tif").toString(), Locations.sibling(item, "B3%20copy.tif"));
        assertEquals(dir.resolve("items/B3é.tif").toString(), Locations.sibling(item, "B3%C3%A9.tif"));
        assertEquals(dir.resolve("items/a b.tif").toString(), Locations.sibling(item, "a b.tif"));
        assertEquals(dir.resolve("items/50%.tif").toString(), Locations.sibling(item, "50%.tif"));
        assertEquals(dir.resolve("items/B04:10m.tif").toString(), Locations.sibling(item, "B04:10m.tif"));
        assertEquals(dir.resolve("items/B3#1.tif").toString(), Locations.sibling(item, "B3#1.tif"));
        assertEquals(dir.resolve("items/B3?v=1.tif").toString(), Locations.sibling(item, "B3?v=1.tif"));
    }
}
