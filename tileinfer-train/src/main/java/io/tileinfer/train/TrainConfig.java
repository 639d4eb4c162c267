package io.tileinfer.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tileinfer.model.JsonErrors;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A training configuration (configs/train.yaml). Paths are relative to the configuration file.
 *
 * @param file             the configuration file, which errors about the files it names start with
 * @param sceneDirectory   the Landsat 8 scene: one GeoTIFF per band and the BQA band
 * @param metadataFile     the rescaling coefficients: the scene's MTL.txt or the lines of it that matter
 * @param heldOutFraction  share of the {@code blockSize} x {@code blockSize} blocks held out for evaluation
 * @param splitSeed        which blocks are held out: a seed of its own, so that models trained with other seeds are
 *                         evaluated on the same blocks and their metrics compare; null (a configuration written
 *                         before split.seed) draws them from training.seed's stream, as then
 * @param trainingPixels   how many labelled pixels of the training blocks to train on (seeded sample)
 */
public record TrainConfig(Path file, String modelName, int tileSize, Path sceneDirectory, Path metadataFile,
                          String labelsFile, List<String> bands, int blockSize, double heldOutFraction, Long splitSeed,
                          long seed,
                          int trainingPixels, FeatureSet features, int epochs, double learningRate) {

    /** A key given twice is refused like an unknown one: Jackson would keep the last without a word. */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    public TrainConfig {
        bands = List.copyOf(bands);
    }

    public static TrainConfig load(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new TrainingException(file + ": not valid YAML: " + JsonErrors.describe(e), e);
        } catch (IOException e) {
            throw TrainingException.cannotRead(file, "the training configuration", e);
        }
        if (root == null || !root.isObject()) {
            throw new TrainingException(file + ": expected a training configuration (model, scene, split, "
                    + "training)");
        }
        Section top = new Section(file, "", root);
        top.onlyKeys("model", "scene", "split", "training");
        Section model = top.section("model", "name", "tile_size");
        Section scene = top.section("scene", "directory", "metadata", "labels", "bands");
        Section split = top.section("split", "block_size", "held_out_fraction", "seed");
        Section training = top.section("training", "seed", "pixels", "features", "epochs", "learning_rate");
        Path base = file.toAbsolutePath().getParent();
        return new TrainConfig(file, model.modelName("name"), model.integer("tile_size", 16, ModelCard.MAX_TILE_SIZE),
                base.resolve(scene.text("directory")).normalize(), base.resolve(scene.text("metadata")).normalize(),
                scene.text("labels"),
                scene.landsatBands("bands"), split.integer("block_size", 8, 4096),
                split.number("held_out_fraction", 0.05, 0.5), split.optionalInteger("seed", 0, Integer.MAX_VALUE),
                training.integer("seed", 0, Integer.MAX_VALUE),
                training.integer("pixels", 100, 10_000_000), training.choice("features", FeatureSet.class),
                training.integer("epochs", 1, 1000), training.number("learning_rate", 1e-6, 100));
    }

    /** The same configuration reading the scene from another directory (tests read the shared data). */
    public TrainConfig withSceneDirectory(Path directory) {
        return new TrainConfig(file, modelName, tileSize, directory, metadataFile, labelsFile, bands, blockSize,
                heldOutFraction, splitSeed, seed, trainingPixels, features, epochs, learningRate);
    }

    /** A YAML mapping and its place in the file, for errors like "train.yaml: training.epochs: ...". */
    private record Section(Path file, String path, JsonNode node) {

        Section section(String key, String... keys) {
            JsonNode child = required(key);
            if (!child.isObject()) {
                throw error(key, "a mapping with " + String.join(", ", keys));
            }
            Section section = new Section(file, key, child);
            section.onlyKeys(keys);
            return section;
        }

        void onlyKeys(String... keys) {
            Set<String> allowed = Set.of(keys);
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    throw error(name, "one of " + String.join(", ", keys) + " (unknown key)");
                }
            }
        }

        String text(String key) {
            JsonNode value = required(key);
            if (!value.isTextual() || value.textValue().isBlank()) {
                throw error(key, "a non-empty string, found " + value);
            }
            return value.textValue();
        }

        List<String> texts(String key) {
            JsonNode value = required(key);
            if (!value.isArray() || value.isEmpty()) {
                throw error(key, "a non-empty list of names, found " + value);
            }
            List<String> texts = new ArrayList<>();
            value.forEach(item -> {
                if (!item.isTextual()) {
                    throw error(key, "a list of names, found " + item);
                }
                texts.add(item.textValue());
            });
            return texts;
        }

        /** Landsat 8 band names, each checked here: a name that is no band is the configuration's mistake. */
        /** As the registry takes it, found before the training rather than when the model is registered. */
        String modelName(String key) {
            String name = text(key);
            if (!ModelRegistry.isValidName(name)) {
                throw error(key, "letters, digits, '.', '_' or '-', starting with a letter or digit (it begins the "
                        + "version ids), found \"" + name + "\"");
            }
            if (name.length() > ModelCard.MAX_NAME_LENGTH) { // the card would refuse it, but only after the training
                throw error(key, "at most " + ModelCard.MAX_NAME_LENGTH + " characters (it begins the version ids, "
                        + "directory names), found " + name.length());
            }
            return name;
        }

        List<String> landsatBands(String key) {
            List<String> bands = texts(key);
            for (int i = 0; i < bands.size(); i++) {
                if (!Landsat8Bands.isBand(bands.get(i))) {
                    throw error(key + "[" + i + "]", "a Landsat 8 band, B1 to B11, found " + bands.get(i));
                }
                if (bands.indexOf(bands.get(i)) < i) {
                    throw error(key + "[" + i + "]", "each band once, found " + bands.get(i) + " again (also at "
                            + path + "." + key + "[" + bands.indexOf(bands.get(i)) + "])");
                }
            }
            return bands;
        }

        int integer(String key, int min, int max) {
            JsonNode value = required(key);
            if (!value.isIntegralNumber() || value.longValue() < min || value.longValue() > max) {
                throw error(key, "an integer from " + min + " to " + max + ", found " + value);
            }
            return value.intValue();
        }

        Long optionalInteger(String key, int min, int max) {
            return node.hasNonNull(key) ? (long) integer(key, min, max) : null;
        }

        double number(String key, double min, double max) {
            JsonNode value = required(key);
            if (!value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
                throw error(key, "a number from " + min + " to " + max + ", found " + value);
            }
            return value.doubleValue();
        }

        <E extends Enum<E>> E choice(String key, Class<E> type) {
            String value = text(key);
            for (E constant : type.getEnumConstants()) {
                if (constant.name().toLowerCase(Locale.ROOT).equals(value)) {
                    return constant;
                }
            }
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.name().toLowerCase(Locale.ROOT));
            }
            throw error(key, "one of " + String.join(", ", names) + ", found " + value);
        }

        private JsonNode required(String key) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                throw error(key, "a value (missing)");
            }
            return value;
        }

        private TrainingException error(String key, String expected) {
            return new TrainingException(file + ": " + (path.isEmpty() ? key : path + "." + key) + ": expected "
                    + expected);
        }
    }
}
