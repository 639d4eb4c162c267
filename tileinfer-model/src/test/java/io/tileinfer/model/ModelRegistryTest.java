package io.tileinfer.model;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRegistryTest {

    private static final byte[] MODEL = TinyOnnx.softmaxClassifier(new float[][]{{1, -1}, {0, 2}},
            new float[]{0, 0.5f});

    @TempDir
    Path root;

    @Test
    void registersResolvesAndPromotes() throws Exception {
        ModelRegistry registry = ModelRegistry.open(root);
        ModelCard card = Cards.twoBandTwoClass();

        ModelVersion version = registry.register(MODEL, card);

        assertTrue(version.id().matches("tiny-[0-9a-f]{12}"), version.id());
        assertEquals(ModelRegistry.versionId(MODEL, card), version.id());
        assertEquals(card.withVersion(version.id()), version.card());
        assertEquals(Sha256.hex(MODEL), version.onnxSha256());
        assertArrayEquals(MODEL, Files.readAllBytes(root.resolve("versions").resolve(version.id())
                .resolve("model.onnx")));
        assertEquals(version, registry.resolve(version.id()));

        // identical content: the same, untouched version
        assertEquals(version, registry.register(MODEL, card.withVersion("ignored")));
        // other content: a new version
        ModelVersion other = registry.register(MODEL, Cards.withMetrics(card, Map.of("f1", 0.5)));
        assertNotEquals(version.id(), other.id());
        assertEquals(List.of(version, other).stream().map(ModelVersion::id).sorted().toList(),
                registry.list().stream().map(ModelVersion::id).toList());

        registry.promote(version.id(), "staging");
        registry.promote("staging", "production");
        registry.promote(other.id(), "staging");
        assertEquals(Map.of("staging", other.id(), "production", version.id()), registry.aliases());
        assertEquals(version, registry.resolve("production"));
        assertEquals(List.of(), registry.verify());
        try (TileModel model = TileModel.load(registry.resolve("production"), ModelOptions.defaults())) {
            assertEquals(version.id(), model.version());
        }
    }

    /** Containers (uid 10001) and Spark executors read a registry another user wrote. */
    @Test
    void whatTheRegistryPublishesOtherUsersCanRead() throws Exception {
        ModelRegistry registry = ModelRegistry.open(root);
        ModelVersion version = registry.register(MODEL, Cards.twoBandTwoClass());
        registry.promote(version.id(), "production");
        Path dir = root.resolve("versions").resolve(version.id());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        for (Path file : List.of(dir.resolve("model.onnx"), dir.resolve("card.json"), dir.resolve("SHA256SUMS"),
                root.resolve("aliases.json"))) {
            assertTrue(Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ),
                    file + ": " + PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void unknownNamesListWhatExists() {
        ModelRegistry registry = ModelRegistry.open(root);
        ModelException empty = assertThrows(ModelException.class, () -> registry.resolve("production"));
        assertTrue(empty.getMessage().contains("the registry is empty"), empty.getMessage());

        ModelVersion version = registry.register(MODEL, Cards.twoBandTwoClass());
        registry.promote(version.id(), "staging");

        ModelException unknown = assertThrows(ModelException.class, () -> registry.resolve("production"));
        assertEquals(root + ": unknown model version or alias 'production'; versions: " + version.id()
                + "; aliases: {staging=" + version.id() + "}", unknown.getMessage());
        assertThrows(ModelException.class, () -> registry.resolve("../versions"));
        assertThrows(ModelException.class, () -> registry.promote(version.id(), "no/slashes"));
        assertThrows(ModelException.class, () -> registry.promote(version.id(), version.id()));
    }

    @Test
    void aRegistryThatIsNotThereIsNotCalledEmpty() {
        Path missing = root.resolve("nope");
        ModelException e = assertThrows(ModelException.class, () -> ModelRegistry.open(missing).resolve("production"));
        assertEquals(missing + ": unknown model version or alias 'production': no such directory, expected a model "
                + "registry (train a model with tileinfer train or import one, or name an existing registry)",
                e.getMessage());
    }

    @Test
    void malformedAliasesAreOneLineWithTheLineAndColumn() throws Exception {
        Path aliases = Files.writeString(root.resolve("aliases.json"), "{\"production\": \"a\",\n}");
        ModelException e = assertThrows(RegistryFileException.class, () -> ModelRegistry.open(root).aliases());
        assertEquals(aliases + ": not valid JSON: line 2, column 1: Unexpected character ('}' (code 125)): was "
                + "expecting double-quote to start field name, expected an object of alias names to version ids; "
                + "repair it by hand or delete it and promote the aliases again", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "{\"id\":\"m-1\"}", "\"\"", "\"../elsewhere\"", "null"})
    void anAliasThatNamesNoVersionIdIsTheFilesProblem(String value) throws Exception {
        assertTheFilesProblem("{\"staging\": \"m-1\", \"production\": " + value + "}", "alias production: found "
                + value + ", expected a version id as a JSON string (letters, digits, '.', '_', '-')");
    }

    @Test
    void anAliasGivenTwiceIsTheFilesProblem() throws Exception {
        Path aliases = Files.writeString(root.resolve("aliases.json"),
                "{\"production\": \"m-1\", \"production\": \"m-2\"}");
        ModelException refused = assertThrows(RegistryFileException.class, () -> ModelRegistry.open(root).aliases());
        assertTrue(refused.getMessage().startsWith(aliases + ": not valid JSON: "), refused.getMessage());
        assertTrue(refused.getMessage().contains("Duplicate field 'production'"), refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"../p\"", "\"-p\"", "\".p\"", "\"a/b\""})
    void anAliasNameThatIsNoNameIsTheFilesProblem(String name) throws Exception {
        assertTheFilesProblem("{\"production\": \"m-1\", " + name + ": \"m-1\"}", "alias " + name
                + ": expected an alias name (letters, digits, '.', '_' or '-', starting with a letter or digit)");
    }

    /** With {@code json} as aliases.json, resolve refuses it and verify reports it, both as {@code problem}. */
    private void assertTheFilesProblem(String json, String problem) throws Exception {
        Path aliases = Files.writeString(root.resolve("aliases.json"), json);
        String expected = aliases + ": " + problem + "; repair it by hand or delete it and promote the aliases again";
        ModelRegistry registry = ModelRegistry.open(root);
        assertEquals(expected, assertThrows(RegistryFileException.class, () -> registry.resolve("production"))
                .getMessage());
        assertEquals(List.of(expected), registry.verify());
    }

    /** The longest name a card takes fits its version's directory and the staging directory's name. */
    @Test
    void registersAModelOfTheLongestName() {
        ModelRegistry registry = ModelRegistry.open(root);
        ModelCard card = Cards.withName(Cards.twoBandTwoClass(), "n".repeat(ModelCard.MAX_NAME_LENGTH));
        ModelVersion version = registry.register(MODEL, card);
        assertEquals(version, registry.resolve(version.id()));
        assertEquals(List.of(), registry.verify());
        // one more is refused, naming the field and the limit, before anything is written
        ModelException refused = assertThrows(ModelException.class, () -> registry.register(MODEL,
                Cards.withName(Cards.twoBandTwoClass(), "n".repeat(ModelCard.MAX_NAME_LENGTH + 1))));
        assertTrue(refused.getMessage().contains("model name (mlm:name) of 101 characters, expected at most 100"),
                refused.getMessage());
        assertEquals(List.of(version), registry.list());
    }

    /** The JDK's message of such a failure is the path alone: the registry's says why. */
    @Test
    void aRegistryThatCannotBeWrittenSaysWhy() throws Exception {
        Files.writeString(root.resolve("versions"), "not a directory");
        String id = ModelRegistry.versionId(MODEL, Cards.twoBandTwoClass());
        ModelException e = assertThrows(ModelException.class,
                () -> ModelRegistry.open(root).register(MODEL, Cards.twoBandTwoClass()));
        assertEquals(root + ": cannot register " + id + ": " + root.resolve("versions")
                + ": a file of that name already exists", e.getMessage());
    }

    @Test
    void unreadableAliasesSayHowToRepairThem() throws Exception {
        Path aliases = Files.createDirectories(root.resolve("aliases.json"));
        ModelException e = assertThrows(RegistryFileException.class, () -> ModelRegistry.open(root).aliases());
        assertTrue(e.getMessage().startsWith(aliases + ": cannot read the aliases: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; repair it by hand or delete it and promote the aliases again"),
                e.getMessage());
    }

    @Test
    void verifyReportsTheFilesOfARegistrationThatDidNotFinish() throws Exception {
        ModelRegistry registry = ModelRegistry.open(root);
        ModelVersion version = registry.register(MODEL, Cards.twoBandTwoClass());
        Path abandoned = Files.createDirectories(root.resolve("versions/.register-" + version.id() + "-123"));
        Files.write(abandoned.resolve("model.onnx"), MODEL);
        Path running = Files.createDirectories(root.resolve("versions/.register-" + version.id() + "-456"));
        Instant killedAt = Instant.parse("2026-11-20T10:15:30Z");
        Files.setLastModifiedTime(abandoned, FileTime.from(killedAt));

        assertEquals(List.of(abandoned + ": the files of a registration that did not finish (a train or models "
                + "import stopped at 2026-11-20T10:15:30Z); no version uses them: delete the directory"),
                registry.verify(), "a staging directory written to within the hour may be a registration running");
        assertEquals(List.of(version.id()), registry.list().stream().map(ModelVersion::id).toList());
        assertTrue(Files.isDirectory(running));
    }

    @Test
    void aPromotionRemovesTheAliasFileAKilledOneLeft() throws Exception {
        ModelRegistry registry = ModelRegistry.open(root);
        ModelVersion version = registry.register(MODEL, Cards.twoBandTwoClass());
        Path leftover = Files.writeString(root.resolve(".aliases-4711.json"), "{\"production\": \"half");

        registry.promote(version.id(), "production");

        assertFalse(Files.exists(leftover));
        assertEquals(Map.of("production", version.id()), registry.aliases());
    }

    @Test
    void verifyReportsTamperedAndMissingFiles() throws Exception {
        ModelRegistry registry = ModelRegistry.open(root);
        ModelVersion tampered = registry.register(MODEL, Cards.twoBandTwoClass());
        ModelVersion cardless = registry.register(MODEL, Cards.withMetrics(Cards.twoBandTwoClass(), Map.of()));
        registry.promote(tampered.id(), "production");

        byte[] changed = MODEL.clone();
        changed[changed.length - 1] ^= 1;
        Files.write(tampered.onnxPath(), changed);
        Files.delete(cardless.onnxPath().resolveSibling("card.json"));

        List<String> problems = registry.verify();

        assertEquals(2, problems.size(), problems.toString());
        assertEquals(List.of(cardless.id()), registry.listing().unreadable(), "a version without a card cannot be listed");
        assertEquals(List.of(tampered.id()), registry.list().stream().map(ModelVersion::id).toList());
        assertTrue(problems.contains(cardless.id() + ": card.json is missing"), problems.toString());
        assertTrue(problems.contains(tampered.id() + ": model.onnx: SHA-256 " + Sha256.hex(changed)
                + ", registered as " + Sha256.hex(MODEL) + ": the file changed after registration"),
                problems.toString());
        ModelException refused = assertThrows(ModelException.class,
                () -> TileModel.load(registry.resolve("production"), ModelOptions.defaults()));
        assertTrue(refused.getMessage().contains("the file changed after registration"), refused.getMessage());
    }

    /** An alias must name a model batch runs: promote refuses a version whose model changed, as batch does. */
    @Test
    void promoteRefusesAVersionWhoseModelChanged() throws Exception {
        ModelRegistry registry = ModelRegistry.open(root);
        ModelVersion version = registry.register(MODEL, Cards.twoBandTwoClass());
        registry.promote(version.id(), "staging");
        byte[] changed = MODEL.clone();
        changed[100] = 0x41;
        Files.write(version.onnxPath(), changed);

        for (String source : List.of(version.id(), "staging")) {
            ModelException refused = assertThrows(ModelException.class, () -> registry.promote(source, "production"));
            assertEquals("cannot point production at " + version.id() + ": " + version.onnxPath() + ": SHA-256 "
                    + Sha256.hex(changed) + ", registered as " + Sha256.hex(MODEL) + ": the file changed after "
                    + "registration (run tileinfer models verify)", refused.getMessage());
        }
        assertEquals(Map.of("staging", version.id()), registry.aliases());
    }

    /** Registering the same content over a damaged copy rewrites its files: that content gives the version's id. */
    @Test
    void registeringTheSameContentAgainRepairsADamagedCopy() throws Exception {
        ModelRegistry registry = ModelRegistry.open(root);
        ModelCard card = Cards.twoBandTwoClass();
        ModelVersion version = registry.register(MODEL, card);
        Path dir = version.onnxPath().getParent();
        Map<String, byte[]> registered = Map.of("model.onnx", MODEL, "card.json", Files.readAllBytes(
                dir.resolve("card.json")), "SHA256SUMS", Files.readAllBytes(dir.resolve("SHA256SUMS")));
        byte[] changed = MODEL.clone();
        changed[100] = 0x41;
        Files.write(version.onnxPath(), changed);

        ModelRegistry.Registration repair = registry.registerOrRepair(MODEL, card);

        assertEquals(version, repair.version());
        assertEquals(List.of(version.id() + ": model.onnx: SHA-256 " + Sha256.hex(changed) + ", registered as "
                + Sha256.hex(MODEL) + ": the file changed after registration"), repair.repaired());
        assertRegisteredFiles(dir, registered);
        assertEquals(List.of(), registry.registerOrRepair(MODEL, card).repaired(), "an intact copy is left alone");

        // a card and sums lost: the same
        Files.delete(dir.resolve("card.json"));
        Files.delete(dir.resolve("SHA256SUMS"));
        assertEquals(List.of(version.id() + ": SHA256SUMS is missing or unreadable"),
                registry.registerOrRepair(MODEL, card).repaired());
        assertRegisteredFiles(dir, registered);
        registry.promote(version.id(), "production");
        assertEquals(version, registry.resolve("production"));
    }

    /** The version's files are the registered bytes, it verifies, and no staging directory is left. */
    private void assertRegisteredFiles(Path dir, Map<String, byte[]> registered) throws Exception {
        for (Map.Entry<String, byte[]> file : registered.entrySet()) {
            assertArrayEquals(file.getValue(), Files.readAllBytes(dir.resolve(file.getKey())), file.getKey());
        }
        assertEquals(List.of(), ModelRegistry.open(root).verify());
        try (var entries = Files.list(dir.getParent())) {
            assertEquals(List.of(dir), entries.toList());
        }
    }

    /** The id covers the card: an edited card (its scaling, its classes) never runs under the id of another. */
    @Test
    void aCardEditedAfterRegistrationIsRefusedEvenWithItsSumRewritten() throws Exception {
        ModelRegistry registry = ModelRegistry.open(root);
        ModelVersion version = registry.register(MODEL, Cards.twoBandTwoClass());
        Path card = version.onnxPath().resolveSibling("card.json");
        Path sums = version.onnxPath().resolveSibling("SHA256SUMS");
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(card.toFile());
        root.put("tileinfer:halo", 2);
        byte[] edited = json.writeValueAsBytes(root);
        Files.write(card, edited);
        Files.writeString(sums, Sha256.hex(MODEL) + "  model.onnx\n" + Sha256.hex(edited) + "  card.json\n");

        ModelVersion reloaded = registry.resolve(version.id());
        String expected = card + ": the model's files give the version id "
                + ModelRegistry.versionId(MODEL, reloaded.card()) + ", registered as " + version.id()
                + ": they changed after registration (run tileinfer models verify)";
        assertEquals(expected, assertThrows(ModelException.class, reloaded::requireIntact).getMessage());
        assertEquals(expected, assertThrows(ModelException.class,
                () -> TileModel.load(reloaded, ModelOptions.defaults())).getMessage());
    }

    @Test
    void importRefusesWeightsInAnExternalFile() throws Exception {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(MODEL);
        OnnxMl.ModelProto.Builder external = model.toBuilder();
        OnnxMl.TensorProto weights = model.getGraph().getInitializer(0);
        external.getGraphBuilder().setInitializer(0, weights.toBuilder().clearFloatData()
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin")));
        Path onnx = write("model.onnx", external.build().toByteArray());
        Path card = root.resolve("card.json");
        Cards.twoBandTwoClass().write(card);

        ModelException error = assertThrows(ModelException.class,
                () -> ModelRegistry.open(root.resolve("registry")).importModel(onnx, card));

        assertEquals(onnx + ": tensor " + weights.getName() + " keeps its values in an external file (w.bin), expected "
                + "a self-contained ONNX file: save the model with its weights inside (onnx.save(model, path, "
                + "save_as_external_data=False); up to 2 GB)", error.getMessage());
        assertTrue(ModelRegistry.open(root.resolve("registry")).list().isEmpty());
    }

    @Test
    void importsAModelThatFitsItsCard() {
        Path onnx = write("model.onnx", MODEL);
        Path card = root.resolve("card.json");
        Cards.twoBandTwoClass().write(card);

        ModelVersion version = ModelRegistry.open(root.resolve("registry")).importModel(onnx, card).version();

        assertEquals(ModelRegistry.versionId(MODEL, Cards.twoBandTwoClass()), version.id());
    }

    /** Another exporter's tensor names ("x", "y") are the stored card's, and batch and the API feed them. */
    @Test
    void importKeepsTheTensorNamesOfTheGraph() throws Exception {
        byte[] renamed = TinyOnnx.renamed(MODEL, "x", "y");
        Path onnx = write("model.onnx", renamed);
        Path card = root.resolve("card.json");
        Cards.withTensorNames(Cards.twoBandTwoClass(), new TensorNames("x", "y")).write(card);

        ModelVersion version = ModelRegistry.open(root.resolve("registry")).importModel(onnx, card).version();

        JsonNode stored = new ObjectMapper().readTree(version.onnxPath().resolveSibling("card.json").toFile());
        assertEquals("x", stored.get("mlm:input").get(0).get("name").asText());
        assertEquals("y", stored.get("mlm:output").get(0).get("name").asText());
        try (TileModel model = TileModel.load(version, ModelOptions.defaults())) {
            float[] probabilities = model.predict(new float[]{1, 3}, 1, 1, 1);
            assertEquals(1, probabilities[0] + probabilities[1], 1e-6);
        }
    }

    /** A card that names other tensors than the graph's would be stored misnaming them: refused, naming both. */
    @Test
    void importRefusesACardThatNamesOtherTensorsThanTheGraph() {
        Path onnx = write("model.onnx", TinyOnnx.renamed(MODEL, "x", "y"));
        Path card = root.resolve("card.json");
        Cards.twoBandTwoClass().write(card); // "input", "probabilities"

        ModelException error = assertThrows(ModelException.class,
                () -> ModelRegistry.open(root.resolve("registry")).importModel(onnx, card));

        assertEquals(card + ": mlm:input[0].name: expected \"x\", the name of the input of " + onnx + ", found "
                + "\"input\"", error.getMessage());
        Cards.withTensorNames(Cards.twoBandTwoClass(), new TensorNames("x", "probabilities")).write(card);
        assertEquals(card + ": mlm:output[0].name: expected \"y\", the name of the output of " + onnx + ", found "
                + "\"probabilities\"", assertThrows(ModelException.class,
                () -> ModelRegistry.open(root.resolve("registry")).importModel(onnx, card)).getMessage());
        assertFalse(Files.exists(root.resolve("registry")));
    }

    @Test
    void importRefusesAFileThatIsNotOnnx() {
        Path onnx = write("model.onnx", "tampered: not a protobuf".getBytes());
        Path card = root.resolve("card.json");
        Cards.twoBandTwoClass().write(card);

        ModelException error = assertThrows(ModelException.class,
                () -> ModelRegistry.open(root.resolve("registry")).importModel(onnx, card));

        assertTrue(error.getMessage().startsWith(onnx + ": ONNX Runtime cannot load the model: "), error.getMessage());
        assertTrue(error.getMessage().contains("ORT_INVALID_PROTOBUF"), error.getMessage());
        assertTrue(ModelRegistry.open(root.resolve("registry")).list().isEmpty());
    }

    @Test
    void importRefusesAChannelCountThatDiffersFromTheCard() {
        Path onnx = write("model.onnx", TinyOnnx.softmaxClassifier(new float[][]{{1, 0, 0}, {0, 1, 0}},
                new float[]{0, 0}));
        Path card = root.resolve("card.json");
        Cards.twoBandTwoClass().write(card);

        ModelException error = assertThrows(ModelException.class,
                () -> ModelRegistry.open(root.resolve("registry")).importModel(onnx, card));

        assertEquals(onnx + ": input 'input' [-1, 3, -1, -1] has 3 channels, expected 2 (the card's bands [B4, B5])",
                error.getMessage());
    }

    @Test
    void importRefusesACardWhoseShapeFixesAnotherSideThanItsTileSize() throws Exception {
        Path onnx = write("model.onnx", MODEL);
        Path card = root.resolve("card.json");
        Cards.twoBandTwoClass().write(card); // tile size 16
        fixSide(card, 64, 16);

        ModelException error = assertThrows(ModelException.class,
                () -> ModelRegistry.open(root.resolve("registry")).importModel(onnx, card));

        assertEquals(card + ": mlm:input shape [-1, 2, 64, 64] fixes the height at 64 px but tileinfer:tile_size is "
                + "16, expected -1 (any size) or 16", error.getMessage());
        assertTrue(ModelRegistry.open(root.resolve("registry")).list().isEmpty());
    }

    @Test
    void importRefusesAModelWhoseFixedSideIsNotTheCards() throws Exception {
        Path onnx = write("model.onnx", TinyOnnx.fixedSideClassifier(new float[][]{{1, -1}, {0, 2}},
                new float[]{0, 0.5f}, 64));
        Path card = root.resolve("card.json");
        Cards.twoBandTwoClass().write(card);
        fixSide(card, -1, 64); // the tile size fits the model, but the card says any size: the API would feed others

        ModelException error = assertThrows(ModelException.class,
                () -> ModelRegistry.open(root.resolve("registry")).importModel(onnx, card));

        assertEquals(onnx + ": input 'input' [-1, 2, 64, 64] has a fixed height of 64, expected a dynamic size (the "
                + "card's mlm:input shape [-1, 2, -1, -1], tile size 64 halo included)", error.getMessage());

        // the same model with a card that fixes the same side is imported
        fixSide(card, 64, 64);
        assertEquals(List.of(64L, 64L), ModelRegistry.open(root.resolve("registry")).importModel(onnx, card).version()
                .card().inputShape().subList(2, 4));
    }

    @Test
    void importRefusesLogits() {
        Path onnx = write("model.onnx", TinyOnnx.logits(new float[][]{{1, -1}, {0, 2}}, new float[]{0, 0.5f}));
        Path card = root.resolve("card.json");
        Cards.twoBandTwoClass().write(card);

        ModelException error = assertThrows(ModelException.class,
                () -> ModelRegistry.open(root.resolve("registry")).importModel(onnx, card));

        assertTrue(error.getMessage().contains("expected a probability in [0, 1]")
                || error.getMessage().contains("expected 1 (does the model end with a Softmax"), error.getMessage());
    }

    /** Edits a card file as someone might by hand: its input shape's height and width and its tile size. */
    private static void fixSide(Path card, long side, int tileSize) throws java.io.IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(card.toFile());
        ArrayNode shape = (ArrayNode) root.get("mlm:input").get(0).get("input").get("shape");
        shape.set(2, side);
        shape.set(3, side);
        root.put("tileinfer:tile_size", tileSize);
        json.writeValue(card.toFile(), root);
    }

    private Path write(String name, byte[] bytes) {
        try {
            return Files.write(root.resolve(name), bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
