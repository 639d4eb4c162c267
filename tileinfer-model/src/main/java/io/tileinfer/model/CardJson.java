package io.tileinfer.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tileinfer.raster.DataType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON form of a {@link ModelCard}: the {@code properties} object of a STAC Item using the Machine Learning
 * Model extension (mlm:name, mlm:tasks, mlm:input, mlm:output with classification:classes), STAC 1.1 band
 * objects ({@code bands}, giving each band's common name and raw data type) and tileinfer:-prefixed fields for
 * what MLM has no field for.
 *
 * <p>A band's scaling {@code raw * scale + offset} is written as an MLM "processing" value-scaling object with a
 * gdal-calc expression, since MLM's own "scale" and "offset" types are one operation each. Reading also accepts
 * the other linear MLM types (scale, offset, z-score, min-max, null) so that cards written for models trained
 * elsewhere can be imported. A sun-angle-corrected band's is {@code (A * SCALE + OFFSET) / sin(radians(sun_elevation))}
 * ({@link BandSpec#sunAngleCorrected()}; {@code sun_elevation} as STAC's view extension names it): a reader that
 * knows only the linear form refuses it rather than feed the model uncorrected values.
 */
final class CardJson {

    /** A key given twice ("mlm:name" twice) is refused, as configurations refuse it: Jackson would keep the last. */
    private static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> INPUT_DIMS = List.of("batch", "channel", "height", "width");
    private static final List<String> OUTPUT_DIMS = List.of("batch", "class", "height", "width");
    private static final String ARCHITECTURE = "architecture";
    private static final String LINEAR_FORMAT = "gdal-calc";
    private static final Pattern LINEAR_EXPRESSION =
            Pattern.compile("\\s*A\\s*\\*\\s*(\\S+)\\s*\\+\\s*(\\S+)\\s*");
    private static final String SUN_DIVISOR = "sin(radians(sun_elevation))";
    private static final Pattern SUN_CORRECTED_EXPRESSION = Pattern.compile("\\s*\\(\\s*A\\s*\\*\\s*(\\S+)\\s*\\+\\s*"
            + "([^\\s)]+)\\s*\\)\\s*/\\s*sin\\(\\s*radians\\(\\s*sun_elevation\\s*\\)\\s*\\)\\s*");

    private CardJson() {
    }

    static byte[] toBytes(ModelCard card) {
        try {
            return (MAPPER.writeValueAsString(toTree(card)) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a card tree is always serialisable", e);
        }
    }

    private static ObjectNode toTree(ModelCard card) {
        ObjectNode root = NODES.objectNode();
        root.put("mlm:name", card.name());
        boolean hasArchitecture = card.hyperParameters().get(ARCHITECTURE) instanceof String;
        if (hasArchitecture) {
            root.put("mlm:architecture", (String) card.hyperParameters().get(ARCHITECTURE));
        }
        root.set("mlm:tasks", strings(card.tasks()));
        root.put("mlm:framework", card.framework());
        root.put("mlm:framework_version", card.frameworkVersion());

        ArrayNode bands = root.putArray("bands");
        for (BandSpec band : card.bands()) {
            ObjectNode node = bands.addObject().put("name", band.name());
            if (band.commonName() != null) {
                node.put("eo:common_name", band.commonName());
            }
            node.put("data_type", card.inputDataType());
            if (band.nodata() != null) {
                node.put("nodata", band.nodata());
            }
        }

        ObjectNode input = root.putArray("mlm:input").addObject();
        input.put("name", card.tensorNames().input());
        input.set("bands", strings(card.bandNames()));
        ObjectNode inputStructure = input.putObject("input");
        inputStructure.set("shape", longs(card.inputShape()));
        inputStructure.set("dim_order", strings(INPUT_DIMS));
        inputStructure.put("data_type", "float32");
        ArrayNode scaling = input.putArray("value_scaling");
        for (BandSpec band : card.bands()) {
            String linear = "A * " + band.scale() + " + " + band.offset();
            scaling.addObject().put("type", "processing").put("format", LINEAR_FORMAT)
                    .put("expression", band.sunAngleCorrected() ? "(" + linear + ") / " + SUN_DIVISOR : linear);
        }

        ObjectNode output = root.putArray("mlm:output").addObject();
        output.put("name", card.tensorNames().output());
        output.set("tasks", strings(card.tasks()));
        ObjectNode result = output.putObject("result");
        List<Long> outputShape = List.of(-1L, (long) card.classCount(), card.inputShape().get(2),
                card.inputShape().get(3));
        result.set("shape", longs(outputShape));
        result.set("dim_order", strings(OUTPUT_DIMS));
        result.put("data_type", "float32");
        ArrayNode classes = output.putArray("classification:classes");
        for (ClassSpec spec : card.classes()) {
            classes.addObject().put("value", spec.value()).put("name", spec.name())
                    .put("color_hint", spec.color().substring(1));
        }

        root.put("tileinfer:version", card.version());
        root.put("tileinfer:tile_size", card.tileSize());
        root.put("tileinfer:halo", card.halo());
        ArrayNode training = root.putArray("tileinfer:training_data");
        card.trainingData().forEach(file -> training.addObject().put("path", file.path()).put("sha256", file.sha256()));
        root.put("tileinfer:seed", card.seed());
        Map<String, Object> hyperParameters = new LinkedHashMap<>(card.hyperParameters());
        if (hasArchitecture) {
            hyperParameters.remove(ARCHITECTURE);
        }
        root.set("tileinfer:hyper_parameters", JsonValues.toJson(hyperParameters));
        root.set("tileinfer:metrics", JsonValues.toJson(card.metrics()));
        ObjectNode libraries = root.putObject("tileinfer:library_versions");
        card.libraryVersions().forEach(libraries::put);
        return root;
    }

    static ModelCard parse(byte[] bytes, String source) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new ModelException(source + ": not valid JSON: " + (e instanceof JsonProcessingException syntax
                    ? JsonErrors.describe(syntax) : e.getMessage()));
        }
        Field root = new Field(tree, "", source);
        if (!tree.isObject()) {
            throw root.error("a JSON object (a model card)");
        }
        try {
            return fromTree(root);
        } catch (IllegalArgumentException e) {
            throw new ModelException(source + ": " + e.getMessage(), e);
        }
    }

    /** Our own namespace: a key of it we do not know is a typo ("tileinfer:hallo"), never someone else's field. */
    private static final Set<String> TILEINFER_KEYS = Set.of("tileinfer:version", "tileinfer:tile_size",
            "tileinfer:halo", "tileinfer:training_data", "tileinfer:seed", "tileinfer:hyper_parameters",
            "tileinfer:metrics", "tileinfer:library_versions");
    /** The MLM input fields read; any other is refused, "value_scalling" as much as a "norm_type" not applied. */
    private static final Set<String> INPUT_KEYS = Set.of("name", "bands", "input", "value_scaling", "description");
    /** MLM input fields that may stand when they ask for nothing (null, false, "none"): tileinfer applies none. */
    private static final Set<String> INPUT_KEYS_UNAPPLIED = Set.of("norm_by_channel", "norm_type", "norm_clip",
            "resize_type", "statistics", "pre_processing_function");

    /**
     * The band fields read, and STAC's that only describe a band (its description, statistics, unit, wavelength...):
     * another without an extension's prefix ("scale", "offset", "no_data") would be dropped and the model fed raw
     * values; so would the raster extension's scale, offset and nodata.
     */
    private static final Set<String> BAND_KEYS = Set.of("name", "eo:common_name", "data_type", "nodata",
            "description", "statistics", "unit");
    private static final Set<String> BAND_KEYS_UNAPPLIED = Set.of("raster:scale", "raster:offset", "raster:nodata");
    /** A band of mlm:input given as an object: its name only, as tileinfer reads bands and computes none. */
    private static final Set<String> INPUT_BAND_KEYS = Set.of("name");

    /** Refuses a key of {@code object} that is not in {@code known}: a field tileinfer does not read is not applied. */
    private static void requireKnownKeys(Field object, Set<String> known, String why) {
        for (String key : keys(object)) {
            if (!known.contains(key)) {
                throw object.child(key, "one of " + new TreeSet<>(known) + " (unknown key: " + why + ")");
            }
        }
    }

    private static List<String> keys(Field object) {
        if (!object.json.isObject()) {
            throw object.error("a JSON object");
        }
        return object.json.properties().stream().map(Map.Entry::getKey).toList();
    }

    private static ModelCard fromTree(Field root) {
        for (String key : keys(root)) {
            if (key.startsWith("tileinfer:") && !TILEINFER_KEYS.contains(key)) {
                throw root.child(key, "one of " + new TreeSet<>(TILEINFER_KEYS) + " (unknown key)");
            }
        }
        Field input = root.get("mlm:input").single();
        for (String key : keys(input)) {
            JsonNode value = input.json.get(key);
            boolean asksNothing = value.isNull() || (value.isBoolean() && !value.booleanValue())
                    || (value.isTextual() && value.textValue().equalsIgnoreCase("none"));
            if (INPUT_KEYS_UNAPPLIED.contains(key) && !asksNothing) {
                throw input.child(key, "null: tileinfer applies the card's value_scaling only (a linear scale and "
                        + "offset per band); fold this step into value_scaling or into the ONNX graph");
            }
            if (!INPUT_KEYS.contains(key) && !INPUT_KEYS_UNAPPLIED.contains(key)) {
                throw input.child(key, "one of " + new TreeSet<>(INPUT_KEYS) + " (unknown key)");
            }
        }
        Field output = root.get("mlm:output").single();

        Map<String, Field> bandObjects = new LinkedHashMap<>();
        for (Field band : root.get("bands").elements()) {
            for (String key : keys(band)) {
                boolean describes = key.contains(":") && !BAND_KEYS_UNAPPLIED.contains(key); // eo:center_wavelength
                if (!BAND_KEYS.contains(key) && !describes) {
                    throw band.child(key, "one of " + new TreeSet<>(BAND_KEYS) + " or an extension's field that "
                            + "describes the band (unknown key: tileinfer would not apply it; the scaling goes in "
                            + "mlm:input's value_scaling, nodata in the band's nodata)");
                }
            }
            bandObjects.put(band.get("name").text(), band);
        }
        List<Field> inputBands = input.get("bands").elements();
        List<Scaling> scaling = scaling(input, inputBands.size());
        List<BandSpec> bands = new ArrayList<>();
        String dataType = null;
        for (int i = 0; i < inputBands.size(); i++) {
            Field ref = inputBands.get(i);
            if (ref.json.isObject()) {
                requireKnownKeys(ref, INPUT_BAND_KEYS, "tileinfer reads each band from its file and computes none");
            }
            String name = ref.json.isObject() ? ref.get("name").text() : ref.text();
            Field band = bandObjects.get(name);
            if (band == null) {
                throw ref.error("a band listed under \"bands\" (known: " + bandObjects.keySet() + ")");
            }
            String bandType = band.get("data_type").text();
            DataType type = DataType.ofStac(bandType).orElseThrow(
                    () -> band.get("data_type").error("a STAC data type such as uint16 or float32"));
            if (dataType != null && !dataType.equals(bandType)) {
                throw band.get("data_type").error("the same raw data type for every band (" + dataType + ")");
            }
            dataType = bandType;
            Field commonName = band.optional("eo:common_name");
            Scaling bandScaling = scaling.get(i);
            bands.add(new BandSpec(name, commonName == null ? null : commonName.text(), bandScaling.scale(),
                    bandScaling.offset(), nodata(band, type), bandScaling.sunAngleCorrected()));
        }

        Field inputStructure = input.get("input");
        requireEquals(inputStructure.get("dim_order"), INPUT_DIMS);
        requireEquals(inputStructure.get("data_type"), "float32");
        List<Long> shape = new ArrayList<>();
        inputStructure.get("shape").elements().forEach(dim -> shape.add(dim.longValue()));

        List<ClassSpec> classes = new ArrayList<>();
        for (Field spec : output.get("classification:classes").elements()) {
            classes.add(new ClassSpec((int) spec.get("value").longValue(), spec.get("name").text(),
                    "#" + spec.get("color_hint").text()));
        }

        List<TrainingFile> trainingData = new ArrayList<>();
        Field training = root.optional("tileinfer:training_data");
        if (training != null) {
            for (Field file : training.elements()) {
                trainingData.add(new TrainingFile(file.get("path").text(), file.get("sha256").text()));
            }
        }
        Map<String, Object> hyperParameters = objectOrEmpty(root.optional("tileinfer:hyper_parameters"));
        Field architecture = root.optional("mlm:architecture");
        if (architecture != null) {
            hyperParameters.put(ARCHITECTURE, architecture.text());
        }
        Map<String, String> libraries = new LinkedHashMap<>();
        objectOrEmpty(root.optional("tileinfer:library_versions"))
                .forEach((key, value) -> libraries.put(key, String.valueOf(value)));
        Field versionField = root.optional("tileinfer:version");
        String version = versionField == null || versionField.json.isNull() ? null : versionField.text();
        Field halo = root.optional("tileinfer:halo");
        Field seed = root.optional("tileinfer:seed");

        TensorNames tensorNames = new TensorNames(tensorName(input), tensorName(output));

        ModelCard card = new ModelCard(root.get("mlm:name").text(), version,
                root.get("mlm:tasks").elements().stream().map(Field::text).toList(),
                root.get("mlm:framework").text(), root.get("mlm:framework_version").text(), bands, dataType, shape,
                classes, (int) root.get("tileinfer:tile_size").longValue(),
                halo == null ? 0 : (int) halo.longValue(), trainingData, seed == null ? 0 : seed.longValue(),
                hyperParameters, objectOrEmpty(root.optional("tileinfer:metrics")), libraries, tensorNames);
        requireResult(output.get("result"), card);
        return card;
    }

    /** The ONNX graph's name of the input or output: what the stored card names it (import checks the graph). */
    private static String tensorName(Field tensor) {
        Field name = tensor.get("name");
        if (name.text().isEmpty()) {
            throw name.error("the name of the ONNX model's tensor");
        }
        return name.text();
    }

    /**
     * The output's result as the card stores it, [-1, K, H, W] float32: K the card's classes, H and W its input's (or
     * -1). A shape of other classes, 7 channels for 3 classes, is refused rather than stored as [-1, 3, H, W].
     */
    private static void requireResult(Field result, ModelCard card) {
        requireEquals(result.get("dim_order"), OUTPUT_DIMS);
        requireEquals(result.get("data_type"), "float32");
        Field shape = result.get("shape");
        List<Field> dims = shape.elements();
        List<Long> input = card.inputShape();
        boolean fits = dims.size() == 4;
        for (int axis = 0; fits && axis < 4; axis++) {
            long dim = dims.get(axis).longValue();
            fits = axis == 1 ? dim == card.classCount() : dim == -1 || dim == input.get(axis);
        }
        if (!fits) {
            throw shape.error(List.of(-1L, (long) card.classCount(), input.get(2), input.get(3)) + " (batch, one "
                    + "channel per class of classification:classes, the height and width of mlm:input's shape)");
        }
    }

    /** STAC's band {@code nodata}: a raw value of the band's type, which a scene then masks unless it says another. */
    private static Double nodata(Field band, DataType type) {
        Field nodata = band.optional("nodata");
        if (nodata == null || nodata.json.isNull()) {
            return null;
        }
        if (!nodata.json.isNumber() || !type.holds(nodata.json.doubleValue())) {
            throw nodata.error("a number that a " + type.stacName() + " pixel can have, " + type.range());
        }
        return nodata.json.doubleValue();
    }

    /** A band's value scaling as a card states it: {@code raw * scale + offset}, divided by sin(sun elevation) or not. */
    private record Scaling(double scale, double offset, boolean sunAngleCorrected) {
        static final Scaling NONE = new Scaling(1, 0, false);

        static Scaling linear(double scale, double offset) {
            return new Scaling(scale, offset, false);
        }
    }

    /** Each band's scaling; one value-scaling object may stand for all bands (MLM's broadcast rule). */
    private static List<Scaling> scaling(Field input, int bandCount) {
        Field valueScaling = input.optional("value_scaling");
        if (valueScaling == null) {
            return Collections.nCopies(bandCount, Scaling.NONE);
        }
        List<Field> objects = valueScaling.elements();
        if (objects.size() != bandCount && objects.size() != 1) {
            throw valueScaling.error("one value-scaling object per band (" + bandCount + ") or a single one");
        }
        List<Scaling> result = new ArrayList<>();
        for (int i = 0; i < bandCount; i++) {
            result.add(linearScaling(objects.get(objects.size() == 1 ? 0 : i)));
        }
        return result;
    }

    private static Scaling linearScaling(Field object) {
        if (object.json.isNull()) {
            return Scaling.NONE;
        }
        Field type = object.get("type");
        if (type.json.isNull()) {
            return Scaling.NONE;
        }
        return switch (type.text()) {
            case "scale" -> Scaling.linear(1 / object.get("value").doubleValue(), 0);
            case "offset" -> Scaling.linear(1, -object.get("value").doubleValue());
            case "z-score" -> {
                double mean = object.get("mean").doubleValue();
                double stddev = object.get("stddev").doubleValue();
                yield Scaling.linear(1 / stddev, -mean / stddev);
            }
            case "min-max" -> {
                double minimum = object.get("minimum").doubleValue();
                double range = object.get("maximum").doubleValue() - minimum;
                yield Scaling.linear(1 / range, -minimum / range);
            }
            case "processing" -> {
                requireEquals(object.get("format"), LINEAR_FORMAT);
                Field expression = object.get("expression");
                Matcher matcher = LINEAR_EXPRESSION.matcher(expression.text());
                boolean corrected = false;
                if (!matcher.matches()) {
                    matcher = SUN_CORRECTED_EXPRESSION.matcher(expression.text());
                    corrected = matcher.matches();
                    if (!corrected) {
                        throw expression.error("a linear expression \"A * SCALE + OFFSET\", or \"(A * SCALE + OFFSET) "
                                + "/ " + SUN_DIVISOR + "\" for reflectance corrected for the sun angle");
                    }
                }
                try {
                    yield new Scaling(Double.parseDouble(matcher.group(1)), Double.parseDouble(matcher.group(2)),
                            corrected);
                } catch (NumberFormatException e) {
                    throw expression.error("numbers in \"A * SCALE + OFFSET\"");
                }
            }
            default -> throw type.error("a linear value scaling: scale, offset, z-score, min-max, null or "
                    + "processing (gdal-calc \"A * SCALE + OFFSET\")");
        };
    }

    private static Map<String, Object> objectOrEmpty(Field field) {
        if (field == null) {
            return new LinkedHashMap<>();
        }
        if (!field.json.isObject()) {
            throw field.error("a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) JsonValues.fromJson(field.json);
        return map;
    }

    private static void requireEquals(Field field, Object expected) {
        Object found = expected instanceof List ? field.elements().stream().map(Field::text).toList() : field.text();
        if (!expected.equals(found)) {
            throw field.error(String.valueOf(expected));
        }
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static ArrayNode longs(List<Long> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    /** A JSON node and where it is, for messages like "card.json: mlm:input[0].bands[2]: expected ...". */
    private record Field(JsonNode json, String path, String source) {

        Field get(String name) {
            Field field = optional(name);
            if (field == null) {
                throw new ModelException(source + ": " + child(name) + ": missing");
            }
            return field;
        }

        /** The error of a key of this object: "card.json: mlm:input[0].norm_type: expected ...". */
        ModelException child(String name, String expected) {
            return new Field(json.get(name), child(name), source).error(expected);
        }

        Field optional(String name) {
            if (!json.isObject()) {
                throw error("a JSON object with \"" + name + "\"");
            }
            JsonNode value = json.get(name);
            return value == null ? null : new Field(value, child(name), source);
        }

        List<Field> elements() {
            if (!json.isArray()) {
                throw error("a JSON array");
            }
            List<Field> items = new ArrayList<>();
            for (int i = 0; i < json.size(); i++) {
                items.add(new Field(json.get(i), path + "[" + i + "]", source));
            }
            return items;
        }

        Field single() {
            List<Field> items = elements();
            if (items.size() != 1) {
                throw error("exactly one element (tileinfer runs single-input, single-output models)");
            }
            return items.getFirst();
        }

        String text() {
            if (!json.isTextual()) {
                throw error("a string");
            }
            return json.textValue();
        }

        long longValue() {
            if (!json.isIntegralNumber() || !json.canConvertToLong()) {
                throw error("an integer");
            }
            return json.longValue();
        }

        double doubleValue() {
            if (!json.isNumber()) {
                throw error("a number");
            }
            return json.doubleValue();
        }

        ModelException error(String expected) {
            String found = json.isMissingNode() ? "nothing" : json.toString();
            if (found.length() > 80) {
                found = found.substring(0, 77) + "...";
            }
            return new ModelException(source + ": " + (path.isEmpty() ? "the document" : path) + ": expected "
                    + expected + ", found " + found);
        }

        private String child(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }
    }
}
