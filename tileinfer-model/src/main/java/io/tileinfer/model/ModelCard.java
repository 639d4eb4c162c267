package io.tileinfer.model;

import io.tileinfer.raster.FileErrors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything needed to run a model and to judge it: inputs (bands, their scaling, the raw raster type),
 * outputs (classes), tiling, provenance (training data, seed, hyper-parameters, library versions) and
 * measured metrics. {@code version} is null until the model is registered.
 *
 * <p>Stored as JSON compatible with the STAC Machine Learning Model extension (see {@link CardJson}).
 * {@code hyperParameters} and {@code metrics} hold JSON values (strings, booleans, numbers, lists, maps);
 * they are normalised on construction (integers to Long, other numbers to Double, maps sorted by key) so
 * that a card read back from JSON equals the card written. The hyper-parameter "architecture", when present,
 * is written as {@code mlm:architecture}. {@code tensorNames} are the names of the ONNX graph's input and output.
 */
public record ModelCard(String name, String version, List<String> tasks, String framework,
                        String frameworkVersion, List<BandSpec> bands, String inputDataType, List<Long> inputShape,
                        List<ClassSpec> classes, int tileSize, int halo, List<TrainingFile> trainingData, long seed,
                        Map<String, Object> hyperParameters, Map<String, Object> metrics,
                        Map<String, String> libraryVersions, TensorNames tensorNames) {

    /** The largest tile, as the pipeline's tiling.size and training's tile_size take. */
    public static final int MAX_TILE_SIZE = 8192;
    /**
     * The longest model name. The version id (name, '-', 12 hex digits) is a directory name and a registration's
     * staging directory adds ".register-" before it and "-" and up to 20 digits after it: 100 keeps that at most
     * 144 bytes (names are ASCII), well under the 255 that file systems allow.
     */
    public static final int MAX_NAME_LENGTH = 100;

    /**
     * Refuses a name too long to register ({@link #MAX_NAME_LENGTH}), else the registration fails on a raw "file name
     * too long". Checked where a model is registered, not where a card is read: a version registered before the
     * limit stays readable.
     *
     * @param where the card's file, or the registry, for the message
     */
    public void requireRegistrableName(String where) {
        if (name.length() > MAX_NAME_LENGTH) {
            throw new ModelException(where + ": model name (mlm:name) of " + name.length() + " characters, expected "
                    + "at most " + MAX_NAME_LENGTH + " (it begins the version id, a directory name)");
        }
    }

    /** The card of a graph whose tensors are named as tileinfer's trainer names them ({@link TensorNames#TRAINED}). */
    public ModelCard(String name, String version, List<String> tasks, String framework, String frameworkVersion,
                     List<BandSpec> bands, String inputDataType, List<Long> inputShape, List<ClassSpec> classes,
                     int tileSize, int halo, List<TrainingFile> trainingData, long seed,
                     Map<String, Object> hyperParameters, Map<String, Object> metrics,
                     Map<String, String> libraryVersions) {
        this(name, version, tasks, framework, frameworkVersion, bands, inputDataType, inputShape, classes, tileSize,
                halo, trainingData, seed, hyperParameters, metrics, libraryVersions, TensorNames.TRAINED);
    }

    public ModelCard {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tensorNames, "tensorNames");
        if (!ModelRegistry.isValidName(name)) {
            throw new IllegalArgumentException("model name must be letters, digits, '.', '_' or '-' and start "
                    + "with a letter or digit, found \"" + name + "\"");
        }
        tasks = List.copyOf(tasks);
        Objects.requireNonNull(framework, "framework");
        Objects.requireNonNull(frameworkVersion, "frameworkVersion");
        bands = List.copyOf(bands);
        Objects.requireNonNull(inputDataType, "inputDataType");
        inputShape = List.copyOf(inputShape);
        classes = List.copyOf(classes);
        trainingData = List.copyOf(trainingData);
        hyperParameters = JsonValues.normalizeObject(hyperParameters, "hyperParameters");
        metrics = JsonValues.normalizeObject(metrics, "metrics");
        libraryVersions = JsonValues.sortedStrings(libraryVersions);
        if (bands.isEmpty() || classes.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one band and one class");
        }
        requireUnique(bands.stream().map(BandSpec::name).toList(), "band name");
        requireUnique(classes.stream().map(ClassSpec::name).toList(), "class name");
        // the class map holds the index of the output channel that wins: a value other than the class's position
        // would have the raster's metadata, its STAC Item and its picture name other classes than the pixels hold
        for (int k = 0; k < classes.size(); k++) {
            if (classes.get(k).value() != k) {
                throw new IllegalArgumentException("class " + classes.get(k).name() + " (number " + (k + 1)
                        + " of the output's classes): value " + classes.get(k).value() + ", expected " + k
                        + ": a class's value is its channel in the model's output, 0 to " + (classes.size() - 1)
                        + " in order");
            }
        }
        if (inputShape.size() != 4 || inputShape.get(1) != bands.size()) {
            throw new IllegalArgumentException("input shape must be [batch, channel, height, width] with "
                    + bands.size() + " channels (one per band), found " + inputShape);
        }
        if (tileSize > MAX_TILE_SIZE) { // a batch of such tiles would not fit a tensor's int-sized buffer
            throw new IllegalArgumentException("tile size " + tileSize + " px, expected at most " + MAX_TILE_SIZE);
        }
        if (tileSize < 1 || halo < 0 || 2 * halo >= tileSize) {
            throw new IllegalArgumentException("tile size must be positive and the halo (cropped on both sides of "
                    + "the tile) below half of it, found tile size " + tileSize + ", halo " + halo);
        }
        // batch and the API feed tiles of tileSize (halo included): a shape that fixes another size would be fed
        // tiles it was not made for
        for (int axis = 2; axis < 4; axis++) {
            long side = inputShape.get(axis);
            if (side != -1 && side != tileSize) {
                throw new IllegalArgumentException("mlm:input shape " + inputShape + " fixes the "
                        + (axis == 2 ? "height" : "width") + " at " + side + " px but tileinfer:tile_size is "
                        + tileSize + ", expected -1 (any size) or " + tileSize);
            }
        }
    }

    /**
     * The height and width of the tiles the model takes when its input shape fixes them (the constructor holds a
     * fixed side to {@code tileSize}), else 0: any size.
     */
    public int fixedSide() {
        return inputShape.get(2) != -1 || inputShape.get(3) != -1 ? tileSize : 0;
    }

    public List<String> bandNames() {
        return bands.stream().map(BandSpec::name).toList();
    }

    public int classCount() {
        return classes.size();
    }

    /** The same card with another version (the registry sets it; null for the content hashed into the id). */
    public ModelCard withVersion(String newVersion) {
        return new ModelCard(name, newVersion, tasks, framework, frameworkVersion, bands, inputDataType, inputShape,
                classes, tileSize, halo, trainingData, seed, hyperParameters, metrics, libraryVersions, tensorNames);
    }

    /** @throws ModelException naming the file and the field when the file is not a valid card */
    public static ModelCard read(Path json) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(json);
        } catch (IOException e) {
            throw ModelException.cannotRead(json, "the model card", e);
        }
        return CardJson.parse(bytes, json.toString());
    }

    public void write(Path json) {
        try {
            Files.write(json, CardJson.toBytes(this));
        } catch (IOException e) {
            throw new ModelException(json + ": cannot write the model card: " + FileErrors.describe(e), e);
        }
    }

    private static void requireUnique(List<String> values, String what) {
        Set<String> seen = new HashSet<>();
        for (String value : values) {
            if (!seen.add(value)) {
                throw new IllegalArgumentException("duplicate " + what + " " + value);
            }
        }
    }
}
