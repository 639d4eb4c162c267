package io.tileinfer.cli;

import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `tileinfer train` refusing a configuration that names a band or file that is not there, by its field. */
class TrainCommandTest {
    static final Path REPO = Path.of(System.getProperty("tileinfer.repoRoot", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** The repository's training configuration, reading the shared scene, with {@code from} replaced by {@code to}. */
    private Path config(String from, String to) throws IOException {
        String yaml = Files.readString(REPO.resolve("configs/train.yaml"))
                .replace("../data/sample/landsat8-LC80200392015216", SharedData.LANDSAT.toString())
                .replace("metadata: ", "metadata: " + REPO.resolve("configs") + "/");
        return Files.writeString(dir.resolve("train.yaml"), yaml.replace(from, to));
    }

    private CommandOutput train(Path config) {
        return CommandOutput.run("train", "--config", config.toString(), "--registry",
                dir.resolve("models").toString());
    }

    @Test
    void aBandThatIsNoLandsat8BandIsNamedWithItsField() throws IOException {
        Path config = config("B11]", "B99]");
        CommandOutput result = train(config);
        assertEquals(ExitCodes.CONFIG, result.exitCode(), result.err());
        assertEquals("tileinfer: " + config + ": scene.bands[9]: expected a Landsat 8 band, B1 to B11, found B99",
                result.err().strip());
    }

    /** Found when the configuration is read, not after the training when the model is registered. */
    @Test
    void aBandGivenTwiceOrAModelNameThatCannotBeOneIsNamedWithItsField() throws IOException {
        Path twice = config("B11]", "B1]");
        CommandOutput result = train(twice);
        assertEquals(ExitCodes.CONFIG, result.exitCode(), result.err());
        assertEquals("tileinfer: " + twice + ": scene.bands[9]: expected each band once, found B1 again (also at "
                + "scene.bands[0])", result.err().strip());

        Path name = config("name: l8-cloudmask", "name: \"l8 cloud mask\"");
        result = train(name);
        assertEquals(ExitCodes.CONFIG, result.exitCode(), result.err());
        assertEquals("tileinfer: " + name + ": model.name: expected letters, digits, '.', '_' or '-', starting with "
                + "a letter or digit (it begins the version ids), found \"l8 cloud mask\"", result.err().strip());
        assertFalse(Files.exists(dir.resolve("models")), "nothing trained or registered");
    }

    @Test
    void aLabelsFileThatIsNotThereIsNamedWithItsField() throws IOException {
        Path config = config("labels: BQA.tif", "labels: NOPE.tif");
        CommandOutput result = train(config);
        assertEquals(ExitCodes.CONFIG, result.exitCode(), result.err());
        Path nope = SharedData.LANDSAT.resolve("NOPE.tif");
        assertEquals("tileinfer: " + config + ": scene.labels: " + nope + ": cannot open: No such file or directory",
                result.err().strip());
    }

    @Test
    void aMetadataFileThatIsNotThereIsNamedWithItsField() throws IOException {
        Path config = config("metadata: ", "metadata: nope.mtl #");
        CommandOutput result = train(config);
        assertEquals(ExitCodes.CONFIG, result.exitCode(), result.err());
        assertEquals("tileinfer: " + config + ": scene.metadata: " + config.resolveSibling("nope.mtl") + ": no such "
                + "file (the scene's MTL.txt, or the lines of it with the rescaling coefficients)", result.err().strip());
    }

    /** Exit code 2 means nothing was recorded: a bad alias is refused before the training, not after registering. */
    @Test
    void anAliasThatCannotBeOneIsRefusedBeforeTraining() throws IOException {
        CommandOutput result = CommandOutput.run("train", "--config", config("", "").toString(), "--registry",
                dir.resolve("models").toString(), "--alias", "bad/alias");
        assertEquals(ExitCodes.CONFIG, result.exitCode(), result.err());
        assertEquals("tileinfer: alias must be letters, digits, '.', '_' or '-' and start with a letter or digit, "
                + "found \"bad/alias\"", result.err().strip());
        assertFalse(Files.exists(dir.resolve("models")), "no model registered");
    }

    /** What can be told of the registry is told before minutes of training, with nothing registered. */
    @Test
    void aRegistryThatCannotTakeTheModelIsRefusedBeforeTraining() throws IOException {
        Path aliases = Files.writeString(Files.createDirectories(dir.resolve("models")).resolve("aliases.json"), "{");
        CommandOutput corrupt = CommandOutput.run("train", "--config", config("", "").toString(), "--registry",
                dir.resolve("models").toString(), "--alias", "staging");
        assertEquals(ExitCodes.INTERNAL, corrupt.exitCode(), corrupt.err());
        assertTrue(corrupt.err().startsWith("tileinfer: " + aliases + ": not valid JSON"), corrupt.err());
        assertFalse(Files.exists(dir.resolve("models/versions")), "nothing trained or registered");

        Path file = Files.writeString(dir.resolve("a-file"), "");
        CommandOutput notDirectory = CommandOutput.run("train", "--config", config("", "").toString(), "--registry",
                file.toString());
        assertEquals(ExitCodes.CONFIG, notDirectory.exitCode(), notDirectory.err());
        assertEquals("tileinfer: " + file + ": not a directory, expected a model registry",
                notDirectory.err().strip());
    }
}
