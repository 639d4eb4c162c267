package io.tileinfer.core.scene;

import io.tileinfer.core.SharedData;
import io.tileinfer.core.config.UrlCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** STAC Items that a scene cannot be made of: each is the item's issue, naming the field and what was expected. */
class StacItemTest {
    @TempDir
    Path dir;

    private String issue(Path item) {
        return assertThrows(StacItem.Invalid.class, () -> StacItem.read(item.toString())).issue().message();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``                  | readable: found an empty file, expected a STAC Item in JSON",
            "`[{\"type\": \"Feature\"}]` | readable: found a JSON array, expected a STAC Item in JSON (an object)",
            "`{\"type\": \"Feature\",}` | readable: found malformed JSON: line 1, column 20: Unexpected character "
                    + "('}' (code 125)): was expecting double-quote to start field name, expected a STAC Item in JSON",
            "`{\"type\": \"Feature\", \"id\": \"a\", \"id\": \"b\"}` | readable: found malformed JSON: line 1, "
                    + "column 36: Duplicate field 'id', expected a STAC Item in JSON",
            "`{\"type\": \"Feature\"} {}` | readable: found malformed JSON: line 1, column 21: more text after "
                    + "the document's end (a file holds one JSON value), expected a STAC Item in JSON",
            "`{\"id\": \"x\"}`       | type: found nothing, expected \"Feature\" (a STAC Item)",
            "`{\"type\": \"Feature\", \"properties\": []}` | properties: found a JSON array, expected a JSON object"})
    void aFileThatIsNoItemSaysWhatItIs(String json, String issue) throws IOException {
        Path item = Files.writeString(dir.resolve("item.json"), json);
        assertEquals(item + ": " + issue, issue(item));
    }

    @Test
    void anItemWithAByteOrderMarkIsRead() throws Exception {
        Path item = SharedData.landsatStacItem(dir.resolve("item.json"));
        Files.writeString(item, "\uFEFF" + Files.readString(item));
        assertEquals(4, StacItem.read(item.toString()).assets().size());
    }

    @Test
    void anItemThatIsNotThereSaysSo() {
        Path item = dir.resolve("nonexist.json");
        assertEquals(item + ": readable: found cannot read: no such file or directory, expected a STAC Item in JSON",
                issue(item));
    }

    @Test
    void anAssetHrefThatIsNoStringIsNotTakenForAPath() throws IOException {
        Path item = SharedData.landsatStacItem(dir.resolve("item.json"));
        Files.writeString(item, Files.readString(item).replace("\"" + SharedData.landsat("B3") + "\"", "123"));
        assertEquals(item + ": assets.green.href: found 123 (a number), expected a URL, or a path relative to the item",
                issue(item));
    }

    /** An href that names no file beside the item is the item's issue, not an exception that ends the run. */
    @Test
    void anAssetHrefThatCannotBeResolvedIsTheItemsIssue() throws IOException {
        Path item = SharedData.landsatStacItem(dir.resolve("item.json"));
        Files.writeString(item, Files.readString(item).replace("\"" + SharedData.landsat("B3") + "\"",
                "\"file:B3.tif\""));
        assertEquals(item + ": assets.green.href: found \"file:B3.tif\", a file: URI with no absolute path, "
                + "expected a URL, or a path relative to the item", issue(item));
    }

    /** A signed href would be copied into the manifest, the output's item and the rows: the item's issue. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://alice:s3cr3t@imagery.example.org/B3.tif | user-info (user:password@ before the host)",
            "https://b.s3.amazonaws.com/B3.tif?X-Amz-Credential=AKIA%2Fx&X-Amz-Signature=s3cr3t | the query "
                    + "parameter X-Amz-Credential (a signed URL)"})
    void anAssetHrefWithCredentialsIsTheItemsIssue(String href, String found) throws IOException {
        Path item = SharedData.landsatStacItem(dir.resolve("item.json"));
        Files.writeString(item, Files.readString(item).replace("\"" + SharedData.landsat("B3") + "\"",
                "\"" + href + "\""));
        String issue = issue(item);
        assertEquals(item + ": assets.green.href: found " + found + ", expected " + UrlCredentials.EXPECTED, issue);
        assertFalse(issue.contains("s3cr3t"), issue);
    }
}
