package io.tileinfer.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import io.tileinfer.raster.FileErrors;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A model registry kept as a directory tree, the embedded default:
 * <pre>
 * ROOT/versions/ID/model.onnx
 * ROOT/versions/ID/card.json     the card, with "tileinfer:version": ID
 * ROOT/versions/ID/SHA256SUMS    SHA-256 of both files (sha256sum -c format)
 * ROOT/aliases.json              {"production": ID, ...}
 * </pre>
 * A version id is the card's name plus the first 12 hex digits of the SHA-256 of the ONNX bytes followed by the
 * canonical card JSON without its version: the same content always gets the same id, and versions never change
 * (registering the same content over a damaged copy rewrites its files with the bytes they had). Versions appear
 * atomically (written in a temporary directory, then renamed) and aliases switch atomically.
 */
public final class ModelRegistry {

    static final String MODEL_FILE = "model.onnx";
    static final String CARD_FILE = "card.json";
    static final String SUMS_FILE = "SHA256SUMS";
    private static final int ID_HASH_DIGITS = 12;
    /** A registration writes its files in a directory of this prefix in versions/, then renames it into place. */
    private static final String STAGING_PREFIX = ".register-";
    private static final String ALIASES_TEMP_PREFIX = ".aliases-";
    /** Older than this, a staging directory is no registration in progress: one writes a model in seconds. */
    private static final Duration ABANDONED_AFTER = Duration.ofHours(1);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    // an alias given twice would silently take the last of its versions
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final Path root;
    private final Path versions;
    private final Path aliasesFile;

    private ModelRegistry(Path root) {
        this.root = root;
        this.versions = root.resolve("versions");
        this.aliasesFile = root.resolve("aliases.json");
    }

    /** Opens the registry at {@code root}; the directory is created by the first registration. */
    public static ModelRegistry open(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new ModelException(absolute + ": not a directory, expected a model registry");
        }
        return new ModelRegistry(absolute);
    }

    public Path root() {
        return root;
    }

    /** Model names, version ids and aliases: safe as a single path segment. */
    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    /** The id {@link #register} gives this content; the card's own version is ignored. */
    public static String versionId(byte[] onnx, ModelCard card) {
        return card.name() + "-" + Sha256.hex(onnx, CardJson.toBytes(card.withVersion(null)))
                .substring(0, ID_HASH_DIGITS);
    }

    /** Registers a model; registering identical content again returns the existing version (repaired if need be). */
    public ModelVersion register(byte[] onnx, ModelCard card) {
        return registerOrRepair(onnx, card).version();
    }

    /**
     * Registers a model. Registering identical content again returns the existing version, whose files are rewritten
     * from this content if they changed after registration (a disk error, an edit): this content gives the version's
     * id, so it is that version's by construction, and leaving the damaged file would have batch refuse it.
     */
    public Registration registerOrRepair(byte[] onnx, ModelCard card) {
        card.requireRegistrableName(root.toString());
        String id = versionId(onnx, card);
        byte[] cardBytes = CardJson.toBytes(card.withVersion(id));
        List<String> repaired = List.of();
        if (Files.isDirectory(versions.resolve(id))) {
            repaired = verifyVersion(id);
            if (!repaired.isEmpty()) {
                rewrite(id, onnx, cardBytes, repaired);
            }
        } else {
            publish(id, onnx, cardBytes);
        }
        return new Registration(requireSameModel(load(id), Sha256.hex(onnx)), repaired);
    }

    /** What a registration did: the version, and the problems of an earlier copy of it that it repaired. */
    public record Registration(ModelVersion version, List<String> repaired) {

        public Registration {
            repaired = List.copyOf(repaired);
        }
    }

    /** Writes a new version in a staging directory and renames it into place: it appears whole or not at all. */
    private void publish(String id, byte[] onnx, byte[] cardBytes) {
        Path target = versions.resolve(id);
        Path staging = null;
        try {
            staging = stage(id, onnx, cardBytes);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            staging = null;
        } catch (IOException e) {
            // Another process may have registered the same content in the meantime: that is success.
            if (!Files.isDirectory(target)) {
                throw new ModelException(root + ": cannot register " + id + ": " + FileErrors.describe(e), e);
            }
        } finally {
            deleteQuietly(staging);
        }
    }

    /**
     * Replaces the files of a damaged version with those of {@link #stage}, one atomic rename each and the sums last:
     * a reader sees each file old or new, never half written, and the version never disappears.
     */
    private void rewrite(String id, byte[] onnx, byte[] cardBytes, List<String> problems) {
        Path target = versions.resolve(id);
        Path staging = null;
        try {
            staging = stage(id, onnx, cardBytes);
            for (String file : List.of(MODEL_FILE, CARD_FILE, SUMS_FILE)) {
                Files.move(staging.resolve(file), target.resolve(file), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ModelException(root + ": cannot repair " + id + " (" + String.join("; ", problems) + "): "
                    + FileErrors.describe(e), e);
        } finally {
            deleteQuietly(staging);
        }
    }

    /** A new staging directory in versions/ holding a version's three files, readable by all whatever the umask. */
    private Path stage(String id, byte[] onnx, byte[] cardBytes) throws IOException {
        Files.createDirectories(versions);
        Path staging = Files.createTempDirectory(versions, STAGING_PREFIX + id + "-");
        try {
            readableByAll(staging, true);
            Files.write(staging.resolve(MODEL_FILE), onnx);
            Files.write(staging.resolve(CARD_FILE), cardBytes);
            Files.writeString(staging.resolve(SUMS_FILE), Sha256.hex(onnx) + "  " + MODEL_FILE + "\n"
                    + Sha256.hex(cardBytes) + "  " + CARD_FILE + "\n");
            for (String file : List.of(MODEL_FILE, CARD_FILE, SUMS_FILE)) {
                readableByAll(staging.resolve(file), false);
            }
            return staging;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(staging);
            throw e;
        }
    }

    /**
     * Checks an ONNX model made elsewhere (e.g. exported from PyTorch) against its card, then registers it.
     *
     * @throws ModelException with the precise reason when the file is not ONNX or does not fit the card
     */
    public Registration importModel(Path onnx, Path cardJson) {
        ModelCard card = ModelCard.read(cardJson).withVersion(null);
        card.requireRegistrableName(cardJson.toString());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(onnx);
        } catch (IOException e) {
            throw ModelException.cannotRead(onnx, "the model", e);
        }
        ImportCheck.requireCompatible(bytes, card, onnx.toString(), cardJson.toString());
        return registerOrRepair(bytes, card);
    }

    /**
     * A version by id, or the version an alias points to.
     *
     * @throws UnknownModelException when the registry has neither of that name
     */
    public ModelVersion resolve(String versionOrAlias) {
        if (isValidName(versionOrAlias) && Files.isDirectory(versions.resolve(versionOrAlias))) {
            return load(versionOrAlias);
        }
        Map<String, String> aliases = aliases();
        String id = aliases.get(versionOrAlias);
        if (id != null) {
            if (!Files.isDirectory(versions.resolve(id))) {
                throw new ModelException(root + ": alias " + versionOrAlias + " points to " + id
                        + ", which is not in the registry (run tileinfer models verify)");
            }
            return load(id);
        }
        if (!Files.isDirectory(root)) {
            throw new UnknownModelException(root + ": unknown model version or alias '" + versionOrAlias
                    + "': no such directory, expected a model registry (train a model with tileinfer train or import "
                    + "one, or name an existing registry)");
        }
        List<String> ids = versionIds();
        if (ids.isEmpty() && aliases.isEmpty()) {
            throw new UnknownModelException(root + ": unknown model version or alias '" + versionOrAlias
                    + "': the registry is empty (train a model with tileinfer train or import one)");
        }
        throw new UnknownModelException(root + ": unknown model version or alias '" + versionOrAlias + "'; versions: "
                + (ids.isEmpty() ? "none" : String.join(", ", ids)) + "; aliases: "
                + (aliases.isEmpty() ? "none" : aliases.toString()));
    }

    /** Refuses a name that cannot be an alias, before anything is done that would need it (a training, say). */
    public static void requireAliasName(String alias) {
        if (!isValidName(alias)) {
            throw new ModelException("alias must be letters, digits, '.', '_' or '-' and start with a letter or "
                    + "digit, found \"" + alias + "\"");
        }
    }

    /**
     * Points {@code alias} at a version (given by id or by another alias); the switch is atomic. A version whose files
     * changed after registration is refused, as batch, plan and serve refuse it: an alias must name a runnable model.
     */
    public void promote(String versionOrAlias, String alias) {
        requireAliasName(alias);
        if (Files.isDirectory(versions.resolve(alias))) {
            throw new ModelException(root + ": " + alias + " is a version id and cannot be used as an alias");
        }
        ModelVersion version = resolve(versionOrAlias);
        try {
            version.requireIntact();
        } catch (ModelException e) {
            throw new ModelException("cannot point " + alias + " at " + version.id() + ": " + e.getMessage(), e);
        }
        String id = version.id();
        // One writer at a time, across threads and processes, so that concurrent promotions don't lose updates.
        synchronized (ModelRegistry.class) {
            try (FileChannel lockFile = FileChannel.open(root.resolve(".aliases.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                Map<String, String> aliases = new TreeMap<>(aliases());
                aliases.put(alias, id);
                deleteAbandonedAliasFiles(); // under the lock, no other promotion is writing one
                Path temp = Files.createTempFile(root, ALIASES_TEMP_PREFIX, ".json");
                try {
                    JSON.writeValue(temp.toFile(), aliases);
                    readableByAll(temp, false);
                    Files.move(temp, aliasesFile, StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException e) {
                throw new ModelException(aliasesFile + ": cannot update: " + FileErrors.describe(e), e);
            }
        }
    }

    /** Every readable version, by id; a version that cannot be read is left out ({@link #listing} names it). */
    public List<ModelVersion> list() {
        return listing().readable();
    }

    /** The versions that can be read, by id, and the ids of those that cannot; {@link #verify} says why. */
    public Listing listing() {
        List<ModelVersion> readable = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (String id : versionIds()) {
            try {
                readable.add(load(id));
            } catch (ModelException e) {
                unreadable.add(id);
            }
        }
        return new Listing(List.copyOf(readable), List.copyOf(unreadable));
    }

    /** One pass over the registry's versions: those {@link #load} reads, and the ids of the others. */
    public record Listing(List<ModelVersion> readable, List<String> unreadable) {
    }

    /** Alias name to version id, sorted by alias. */
    public Map<String, String> aliases() {
        if (!Files.exists(aliasesFile)) {
            return Map.of();
        }
        // promote does not overwrite a corrupt file: it may be the only record of which version is production
        String repair = "; repair it by hand or delete it and promote the aliases again";
        JsonNode tree;
        try {
            tree = JSON.readTree(Files.readAllBytes(aliasesFile));
        } catch (JsonProcessingException e) {
            throw new RegistryFileException(aliasesFile + ": not valid JSON: " + JsonErrors.describe(e)
                    + ", expected an object of alias names to version ids" + repair, e);
        } catch (AccessDeniedException e) { // the file is fine: deleting it would lose the aliases
            throw new RegistryFileException(ModelException.cannotReadMessage(aliasesFile, "the aliases", e)
                    + "; make the registry readable by this user, e.g. chmod -R a+rX " + root + " (earlier versions "
                    + "of tileinfer wrote it for its owner only)", e);
        } catch (IOException e) {
            String cannotRead = ModelException.cannotReadMessage(aliasesFile, "the aliases", e);
            throw new RegistryFileException(cannotRead + repair, e);
        }
        if (tree == null || !tree.isObject()) {
            throw new RegistryFileException(aliasesFile + ": expected an object of alias names to version ids"
                    + repair);
        }
        Map<String, String> aliases = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : tree.properties()) {
            // promote writes no such name, and list would show it as an alias ("", "../x") that resolve cannot take
            if (!isValidName(entry.getKey())) {
                throw new RegistryFileException(aliasesFile + ": alias " + TextNode.valueOf(entry.getKey())
                        + ": expected an alias name (letters, digits, '.', '_' or '-', starting with a letter or "
                        + "digit)" + repair);
            }
            JsonNode id = entry.getValue();
            // a number or an object would be read as some other text ("" names the versions directory itself), and
            // "../x" as a path out of the registry
            if (!id.isTextual() || !isValidName(id.textValue())) {
                throw new RegistryFileException(aliasesFile + ": alias " + entry.getKey() + ": found " + id
                        + ", expected a version id as a JSON string (letters, digits, '.', '_', '-')" + repair);
            }
            aliases.put(entry.getKey(), id.textValue());
        }
        return aliases;
    }

    /**
     * Problems found in the registry, one line each: missing or changed files, dangling aliases, and the files of
     * a registration that was stopped before it finished.
     */
    public List<String> verify() {
        List<String> problems = new ArrayList<>();
        for (String id : versionIds()) {
            problems.addAll(verifyVersion(id));
        }
        problems.addAll(abandonedRegistrations());
        try {
            aliases().forEach((alias, id) -> {
                if (!Files.isDirectory(versions.resolve(id))) {
                    problems.add("alias " + alias + " points to " + id + ", which is not in the registry");
                }
            });
        } catch (ModelException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    private List<String> verifyVersion(String id) {
        Path dir = versions.resolve(id);
        List<String> problems = new ArrayList<>();
        Map<String, String> sums;
        try {
            sums = readSums(dir);
        } catch (ModelException e) {
            return List.of(e.getMessage());
        }
        for (String file : List.of(MODEL_FILE, CARD_FILE)) {
            Path path = dir.resolve(file);
            if (!Files.isRegularFile(path)) {
                problems.add(id + ": " + file + " is missing");
            } else if (!sums.containsKey(file)) {
                problems.add(id + ": " + SUMS_FILE + " has no line for " + file);
            } else {
                String changed = ModelVersion.sha256Changed(id + ": " + file, Sha256.ofFile(path), sums.get(file));
                if (changed != null) {
                    problems.add(changed);
                }
            }
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        try {
            ModelCard card = ModelCard.read(dir.resolve(CARD_FILE));
            if (!id.equals(card.version())) {
                problems.add(id + ": " + CARD_FILE + " says version " + card.version());
            }
            String expected = versionId(Files.readAllBytes(dir.resolve(MODEL_FILE)), card);
            if (!id.equals(expected)) {
                problems.add(id + ": the content hashes to " + expected + ", not to its id");
            }
        } catch (ModelException | IOException e) {
            problems.add(id + ": " + e.getMessage());
        }
        return problems;
    }

    private ModelVersion load(String id) {
        Path dir = versions.resolve(id);
        Map<String, String> sums = readSums(dir);
        String onnxSha256 = sums.get(MODEL_FILE);
        if (onnxSha256 == null) {
            throw new ModelException(dir.resolve(SUMS_FILE) + ": no line for " + MODEL_FILE);
        }
        return new ModelVersion(id, dir.resolve(MODEL_FILE), ModelCard.read(dir.resolve(CARD_FILE)), onnxSha256);
    }

    private ModelVersion requireSameModel(ModelVersion existing, String onnxSha256) {
        if (!existing.onnxSha256().equals(onnxSha256)) {
            throw new ModelException(root + ": version " + existing.id() + " exists with another model "
                    + "(SHA-256 " + existing.onnxSha256() + "); run tileinfer models verify");
        }
        return existing;
    }

    private static Map<String, String> readSums(Path dir) {
        Path file = dir.resolve(SUMS_FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelException(dir.getFileName() + ": " + SUMS_FILE + " is missing or unreadable", e);
        }
        Map<String, String> sums = new LinkedHashMap<>();
        for (String line : lines) {
            String[] parts = line.split(" [ *]", 2);
            if (parts.length == 2) {
                sums.put(parts[1], parts[0]);
            }
        }
        return sums;
    }

    /** Staging directories that no registration has touched for {@link #ABANDONED_AFTER}: a train or import killed. */
    private List<String> abandonedRegistrations() {
        if (!Files.isDirectory(versions)) {
            return List.of();
        }
        Instant cutoff = Instant.now().minus(ABANDONED_AFTER);
        try (Stream<Path> entries = Files.list(versions)) {
            return entries.filter(path -> path.getFileName().toString().startsWith(STAGING_PREFIX))
                    .filter(path -> lastModified(path).isBefore(cutoff)).sorted()
                    .map(path -> path + ": the files of a registration that did not finish (a train or models import "
                            + "stopped at " + lastModified(path) + "); no version uses them: delete the directory")
                    .toList();
        } catch (IOException e) {
            throw new ModelException(versions + ": cannot list: " + FileErrors.describe(e), e);
        }
    }

    private static Instant lastModified(Path path) {
        try {
            return Files.getLastModifiedTime(path).toInstant().truncatedTo(ChronoUnit.SECONDS);
        } catch (IOException e) { // gone since the listing: a registration that has just finished
            return Instant.MAX;
        }
    }

    private void deleteAbandonedAliasFiles() throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            for (Path path : entries.filter(p -> p.getFileName().toString().startsWith(ALIASES_TEMP_PREFIX)).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private List<String> versionIds() {
        if (!Files.isDirectory(versions)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(versions)) {
            return entries.filter(Files::isDirectory).map(path -> path.getFileName().toString())
                    .filter(ModelRegistry::isValidName).sorted().toList();
        } catch (IOException e) {
            throw new ModelException(versions + ": cannot list: " + FileErrors.describe(e), e);
        }
    }

    /**
     * A temporary file or directory is the owner's alone (0600, 0700), and keeps that when renamed into place, and
     * other files follow the umask; a registry is read by other users too (the containers' uid, Spark executors), so
     * what it publishes is 0644, 0755.
     */
    private static void readableByAll(Path path, boolean directory) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(directory ? "rwxr-xr-x"
                    : "rw-r--r--"));
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A leftover ".register-*" directory is harmless: ids never start with '.'.
        }
    }
}
