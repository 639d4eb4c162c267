package io.tileinfer.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainConfigTest {

    @TempDir
    Path dir;

    @Test
    void readsTheRepositoryConfiguration() {
        TrainConfig config = TrainConfig.load(TestData.trainYaml());

        assertEquals("l8-cloudmask", config.modelName());
        assertEquals(TestData.trainYaml().toAbsolutePath().getParent().resolve(
                "../data/sample/landsat8-LC80200392015216").normalize(), config.sceneDirectory());
        assertEquals(10, config.bands().size());
        assertEquals(FeatureSet.QUADRATIC, config.features());
        assertEquals(0.25, config.heldOutFraction());
    }

    @Test
    void namesTheWrongField() throws Exception {
        Path file = dir.resolve("train.yaml");
        Files.writeString(file, Files.readString(TestData.trainYaml()).replace("epochs: 10", "epochs: 0"));
        TrainingException error = assertThrows(TrainingException.class, () -> TrainConfig.load(file));
        assertEquals(file + ": training.epochs: expected an integer from 1 to 1000, found 0", error.getMessage());

        Files.writeString(file, Files.readString(TestData.trainYaml()).replace("features:", "feature:"));
        error = assertThrows(TrainingException.class, () -> TrainConfig.load(file));
        assertEquals(file + ": training.feature: expected one of seed, pixels, features, epochs, learning_rate "
                + "(unknown key)", error.getMessage());
    }

    /** The card would refuse the name too, but only once the model is trained. */
    @Test
    void aModelNameLongerThanACardTakesIsRefusedBeforeTheTraining() throws Exception {
        Path file = dir.resolve("train.yaml");
        Files.writeString(file, Files.readString(TestData.trainYaml()).replace("name: l8-cloudmask",
                "name: " + "n".repeat(101)));
        TrainingException error = assertThrows(TrainingException.class, () -> TrainConfig.load(file));
        assertEquals(file + ": model.name: expected at most 100 characters (it begins the version ids, directory "
                + "names), found 101", error.getMessage());
    }

    @Test
    void aBandThatLandsat8DoesNotHaveIsNamedWhereItIsListed() throws Exception {
        Path file = dir.resolve("train.yaml");
        Files.writeString(file, Files.readString(TestData.trainYaml()).replace("B11]", "B99]"));
        TrainingException error = assertThrows(TrainingException.class, () -> TrainConfig.load(file));
        assertEquals(file + ": scene.bands[9]: expected a Landsat 8 band, B1 to B11, found B99", error.getMessage());
    }

    @Test
    void brokenYamlIsOneLineWithTheLineAndColumn() throws Exception {
        Path file = Files.writeString(dir.resolve("train.yaml"), "model:\n  name: a: b\n");
        TrainingException error = assertThrows(TrainingException.class, () -> TrainConfig.load(file));
        assertEquals(file + ": not valid YAML: line 2, column 10: mapping values are not allowed here",
                error.getMessage());
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithItsLine() throws Exception {
        Path file = dir.resolve("train.yaml");
        String yaml = Files.readString(TestData.trainYaml());
        Files.writeString(file, yaml.replace("  epochs: 10", "  epochs: 10\n  epochs: 1"));
        TrainingException error = assertThrows(TrainingException.class, () -> TrainConfig.load(file));
        assertTrue(error.getMessage().matches(Pattern.quote(file + ": not valid YAML: line ") + "\\d+, column 9: "
                + "Duplicate field 'epochs'"), error.getMessage());
    }
}
