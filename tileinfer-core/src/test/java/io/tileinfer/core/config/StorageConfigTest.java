package io.tileinfer.core.config;

import io.tileinfer.raster.ObjectStoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The storage keys: the store URL, object storage settings, and an s3:// output with its local staging. */
class StorageConfigTest {
    @TempDir
    Path dir;

    private PipelineConfig load(String yaml) throws IOException {
        return ConfigLoader.load(Files.writeString(dir.resolve("pipeline.yaml"), yaml + """

                scenes:
                  - {id: a, file: s3://imagery/a.tif}
                """));
    }

    private String error(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml)).getMessage();
    }

    @Test
    void objectStorageSettingsAndAnS3Output() throws IOException {
        PipelineConfig config = load("""
                output: s3://results/tileinfer/
                staging: work
                store: {url: "jdbc:postgresql://db:5432/results?user=batch"}
                object_store:
                  endpoint: http://127.0.0.1:9000
                  region: eu-central-1
                  path_style: true
                  timeout_seconds: 20
                  retries: 5
                  retry_delay_seconds: 0.5""");
        assertEquals("s3://results/tileinfer", config.outputUrl());
        assertEquals(dir.resolve("work"), config.outputDir());
        assertEquals("jdbc:postgresql://db:5432/results?user=batch", config.effectiveStoreUrl());
        assertEquals(new ObjectStoreOptions(URI.create("http://127.0.0.1:9000"), "eu-central-1", true, null, 20,
                null, 5, 0.5), config.objectStore());
        assertEquals("s3://imagery/a.tif", config.scenes().getFirst().file());
    }

    @Test
    void aLocalOutputHasNoUrlAndNoStaging() throws IOException {
        PipelineConfig config = load("output: out");
        assertNull(config.outputUrl());
        assertEquals(dir.resolve("out"), config.outputDir());
        assertEquals(ObjectStoreOptions.NONE, config.objectStore());
    }

    @Test
    void mistakesNameTheFieldAndWhatWasExpected() {
        String file = dir.resolve("pipeline.yaml").toString();
        for (String endpoint : new String[]{"127.0.0.1:9000", "http://127.0.0.1:9000/some/path",
                "http://127.0.0.1:9000?x=1"}) {
            assertEquals(file + ": object_store.endpoint: is \"" + endpoint + "\", expected an http:// or https:// "
                    + "URL of a host and port alone, such as http://127.0.0.1:9000",
                    error("object_store: {endpoint: \"" + endpoint + "\"}"));
        }
        assertEquals(file + ": object_store.endpoint: holds user-info (user@ or user:secret@), expected the "
                + "endpoint's scheme, host and port alone, with the credentials in AWS_ACCESS_KEY_ID and "
                + "AWS_SECRET_ACCESS_KEY", error("object_store: {endpoint: \"http://key:s3cr3t@127.0.0.1:9000\"}"));
        assertEquals(file + ": object_store.secret_key: unknown key; expected one of [anonymous, "
                + "connect_timeout_seconds, endpoint, path_style, region, retries, retry_delay_seconds, "
                + "timeout_seconds]", error("object_store: {secret_key: x}"), "sorted: the same message every run");
        assertEquals(file + ": object_store.retries: found -1, expected a whole number from 0 to 100",
                error("object_store: {retries: -1}"));
        assertEquals(file + ": output: is \"https://example.org/out\", expected a directory or an "
                + "s3://BUCKET/PREFIX URL", error("output: https://example.org/out"));
        assertEquals(file + ": staging: is set with a local output, expected staging only with an s3:// output",
                error("staging: work"));
    }

    @Test
    void aPasswordInTheStoreUrlIsRefusedAndNotRepeated() {
        for (String parameter : new String[]{"password", "sslpassword"}) { // pgJDBC's key file passphrase too
            String message = error("store: {url: \"jdbc:postgresql://db/results?user=batch&" + parameter
                    + "=hunter2\"}");
            assertEquals(dir.resolve("pipeline.yaml") + ": store.url: holds a password, expected the password in "
                    + "PGPASSWORD or ~/.pgpass (the manifest records this file's text)", message);
        }
    }

    /** As every path of the configuration: run from anywhere, a run finds the same database. */
    @Test
    void aRelativeSqlitePathIsRelativeToTheConfigurationFile() throws IOException {
        assertEquals("jdbc:sqlite:" + dir.getParent().resolve("runs/results.db"),
                load("store: {url: \"jdbc:sqlite:../runs/results.db\"}").effectiveStoreUrl());
        assertEquals("jdbc:sqlite:" + dir.resolve("r.db") + "?journal_mode=WAL",
                load("store: {url: \"jdbc:sqlite:r.db?journal_mode=WAL\"}").effectiveStoreUrl());
        for (String asWritten : new String[]{"jdbc:sqlite:/var/lib/tileinfer/results.db",
                "jdbc:sqlite:file:/var/lib/tileinfer/results.db"}) {
            assertEquals(asWritten, load("store: {url: \"" + asWritten + "\"}").effectiveStoreUrl());
        }
    }

    /** A run's rows must outlive it: a resume reads them, and so do `runs` and the page. */
    @Test
    void anSqliteDatabaseThatKeepsNothingIsRefused() {
        for (String url : new String[]{"jdbc:sqlite:", "jdbc:sqlite::memory:", "jdbc:sqlite:file::memory:?cache=shared",
                "jdbc:sqlite:file:results.db?mode=memory", "jdbc:sqlite:file:"}) {
            assertEquals(dir.resolve("pipeline.yaml") + ": store.url: is \"" + url + "\", a database that is gone "
                    + "when the run ends, expected a file such as jdbc:sqlite:results.db (a resume reads the rows of "
                    + "the run it resumes)", error("store: {url: \"" + url + "\"}"));
        }
    }
}
