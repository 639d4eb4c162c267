package io.tileinfer.cli;

import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.scene.SceneInspector;
import io.tileinfer.model.BandSpec;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelException;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.model.RegistryFileException;
import io.tileinfer.model.TrainingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tileinfer models}: list, show, promote, import and verify the versions of a model registry. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Manage the model registry: list, show, promote, import and verify model versions.",
        subcommands = {ModelsCommand.ListCommand.class, ModelsCommand.ShowCommand.class,
                ModelsCommand.PromoteCommand.class, ModelsCommand.ImportCommand.class,
                ModelsCommand.VerifyCommand.class})
final class ModelsCommand implements Callable<Integer> {

    @Option(names = "--registry", defaultValue = "models", scope = ScopeType.INHERIT,
            description = "The model registry (default: ${DEFAULT-VALUE}).")
    Path registry;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: list, show, promote, import or verify");
    }

    /** Runs a subcommand's work; registry problems become one line on stderr and a non-zero exit. */
    private int run(CommandSpec command, Callable<Integer> work) throws Exception {
        try {
            return work.call();
        } catch (RegistryFileException e) { // a registry file is broken: not the command line's fault
            command.commandLine().getErr().println("tileinfer: " + e.getMessage());
            return ExitCodes.INTERNAL;
        } catch (ModelException | UncheckedIOException e) {
            command.commandLine().getErr().println("tileinfer: " + e.getMessage());
            return ExitCodes.CONFIG;
        } finally {
            command.commandLine().getOut().flush();
        }
    }

    /** The registry to read: it must exist (an empty list or "all files match" would hide a mistyped path). */
    private ModelRegistry registry() {
        ModelRegistry models = ModelRegistry.open(registry);
        if (!Files.isDirectory(models.root())) {
            throw new ModelException(models.root() + ": no such directory, expected a model registry (train a model "
                    + "with tileinfer train or import one, or name an existing registry with --registry)");
        }
        return models;
    }

    /** The registry to import into, made when it does not exist yet. */
    private ModelRegistry registryToWrite() {
        return ModelRegistry.open(registry);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the versions and their aliases.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return parent.run(spec, () -> {
                PrintWriter out = spec.commandLine().getOut();
                ModelRegistry models = parent.registry();
                ModelRegistry.Listing listing = models.listing();
                List<ModelVersion> versions = listing.readable();
                List<String> unreadable = listing.unreadable();
                // Problems are said first, on stderr, and the exit code stays 0: the versions listed are still
                // right and usable; `models verify` is the check that fails (4) on them.
                if (!unreadable.isEmpty()) { // a list that looks whole must be whole
                    spec.commandLine().getErr().printf("tileinfer: %d version(s) of %s cannot be read and are not "
                            + "listed: %s; `tileinfer models verify` says why%n", unreadable.size(), models.root(),
                            String.join(", ", unreadable));
                }
                Map<String, String> aliases = models.aliases();
                List<String> unlisted = unlistedAliases(aliases, versions, unreadable);
                if (!unlisted.isEmpty()) { // such an alias would otherwise be in no row at all
                    spec.commandLine().getErr().printf("tileinfer: %d alias(es) of %s point to a version that is "
                            + "not listed: %s; `tileinfer models promote` points an alias elsewhere%n",
                            unlisted.size(), models.root(), String.join(", ", unlisted));
                }
                if (versions.isEmpty()) {
                    out.println("no model versions in " + models.root());
                    return ExitCodes.OK;
                }
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("VERSION", "ALIASES", "F1", "BANDS", "CLASSES"));
                for (ModelVersion version : versions) {
                    rows.add(List.of(version.id(), aliasesOf(aliases, version.id()), heldOutF1(version.card()),
                            String.valueOf(version.card().bands().size()),
                            String.join(", ", version.card().classes().stream().map(ClassSpec::name).toList())));
                }
                printColumns(out, rows);
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a version's model card.")
    static final class ShowCommand implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "VERSION", description = "Version id or alias.")
        String version;
        @Option(names = "--json", description = "Print the card as stored (STAC MLM JSON).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return parent.run(spec, () -> {
                PrintWriter out = spec.commandLine().getOut();
                ModelRegistry models = parent.registry();
                ModelVersion resolved = models.resolve(version);
                if (json) {
                    out.print(Files.readString(resolved.onnxPath().resolveSibling("card.json")));
                    return ExitCodes.OK;
                }
                printCard(out, resolved, aliasesOf(models.aliases(), resolved.id()));
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Point an alias (e.g. production) at a version; the switch is atomic.")
    static final class PromoteCommand implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "VERSION", description = "Version id, or an alias to copy (staging).")
        String version;
        @Option(names = "--alias", required = true, paramLabel = "NAME", description = "The alias to set.")
        String alias;

        @Override
        public Integer call() throws Exception {
            return parent.run(spec, () -> {
                ModelRegistry models = parent.registry();
                String previous = models.aliases().get(alias);
                models.promote(version, alias);
                String now = models.aliases().get(alias);
                spec.commandLine().getOut().printf("%s -> %s%s%n", alias, now,
                        previous == null || previous.equals(now) ? "" : " (was " + previous + ")");
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Check an ONNX model made elsewhere against its card, then register it.")
    static final class ImportCommand implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "MODEL.onnx", description = "The ONNX model: one input [N, C, H, W] float32, one "
                + "output [N, K, H, W] of class probabilities.")
        Path onnx;
        @Option(names = "--card", required = true, paramLabel = "CARD.json", description = "Its model card.")
        Path card;

        @Override
        public Integer call() throws Exception {
            return parent.run(spec, () -> {
                ModelRegistry.Registration registration = parent.registryToWrite().importModel(onnx, card);
                reportRepair(spec.commandLine().getErr(), registration);
                spec.commandLine().getOut().printf("imported %s as %s%n", onnx, registration.version().id());
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every version's files against their SHA-256 and every alias's target.")
    static final class VerifyCommand implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return parent.run(spec, () -> {
                ModelRegistry models = parent.registry();
                List<String> problems = models.verify();
                PrintWriter out = spec.commandLine().getOut();
                if (problems.isEmpty()) {
                    out.printf("%s: %d version(s), %d alias(es), all files match%n", models.root(),
                            models.list().size(),
                            models.aliases().size());
                    return ExitCodes.OK;
                }
                problems.forEach(problem -> out.println("PROBLEM " + problem));
                out.printf("%s: %d problem(s)%n", models.root(), problems.size());
                return ExitCodes.INVALID;
            });
        }
    }

    /** Says on stderr which files of an earlier, damaged copy of the version a registration rewrote, if any. */
    static void reportRepair(PrintWriter err, ModelRegistry.Registration registration) {
        if (!registration.repaired().isEmpty()) {
            err.println("tileinfer: repaired " + registration.version().id() + ", whose files had changed after "
                    + "registration (" + String.join("; ", registration.repaired()) + "): rewritten from this "
                    + "registration's model and card, which are the version's");
            err.flush();
        }
    }

    /** "alias -> id (why)" for each alias whose version is in no row of the listing. */
    private static List<String> unlistedAliases(Map<String, String> aliases, List<ModelVersion> versions,
                                                List<String> unreadable) {
        List<String> listed = versions.stream().map(ModelVersion::id).toList();
        return aliases.entrySet().stream().filter(entry -> !listed.contains(entry.getValue()))
                .map(entry -> entry.getKey() + " -> " + entry.getValue()
                        + (unreadable.contains(entry.getValue()) ? " (cannot be read)" : " (no such version)"))
                .toList();
    }

    /** Rows as columns as wide as their widest cell (ids and alias lists have no fixed length), the last as is. */
    private static void printColumns(PrintWriter out, List<List<String>> rows) {
        int columns = rows.getFirst().size();
        int[] widths = new int[columns - 1];
        rows.forEach(row -> {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                line.append(row.get(i)).append(" ".repeat(widths[i] - row.get(i).length() + 2));
            }
            out.println(line.append(row.get(columns - 1)));
        }
    }

    private static String aliasesOf(Map<String, String> aliases, String id) {
        List<String> names = aliases.entrySet().stream().filter(entry -> entry.getValue().equals(id))
                .map(Map.Entry::getKey).toList();
        return names.isEmpty() ? "-" : String.join(", ", names);
    }

    private static String heldOutF1(ModelCard card) {
        return card.metrics().get("model") instanceof Map<?, ?> model && model.get("f1") instanceof Double f1
                ? String.format("%.4f", f1) : "-";
    }

    private static void printCard(PrintWriter out, ModelVersion version, String aliases) {
        ModelCard card = version.card();
        out.printf("version     %s%n", version.id());
        out.printf("aliases     %s%n", aliases);
        out.printf("model       %s (%s %s), tasks %s%n", version.onnxPath(), card.framework(),
                card.frameworkVersion(), String.join(", ", card.tasks()));
        out.printf("sha256      %s%n", version.onnxSha256());
        if (card.hyperParameters().get("architecture") instanceof String architecture) {
            out.printf("architecture %s%n", architecture);
        }
        out.printf("input       %s raw values, shape %s, tile %d px, halo %d px%n", card.inputDataType(),
                card.inputShape(), card.tileSize(), card.halo());
        for (BandSpec band : card.bands()) {
            String linear = "raw * " + band.scale() + " + " + band.offset();
            out.printf("  band      %-6s %-8s %s%s%n", band.name(),
                    band.commonName() == null ? "" : band.commonName(),
                    band.sunAngleCorrected() ? "(" + linear + ") / sin(sun elevation)" : linear,
                    band.nodata() == null ? "" : ", nodata " + SceneInspector.number(band.nodata()));
        }
        for (ClassSpec spec : card.classes()) {
            out.printf("  class     %d %s %s%n", spec.value(), spec.name(), spec.color());
        }
        printTree(out, "metrics", card.metrics(), "");
        printTree(out, "parameters", card.hyperParameters(), "");
        out.printf("seed        %d%n", card.seed());
        for (TrainingFile file : card.trainingData()) {
            out.printf("  trained on %s  sha256 %s%n", file.path(), file.sha256());
        }
        out.printf("libraries   %s%n", card.libraryVersions());
    }

    private static void printTree(PrintWriter out, String title, Map<String, Object> values, String indent) {
        if (values.isEmpty()) {
            return;
        }
        out.printf("%s%s%n", indent, title);
        values.forEach((key, value) -> {
            if (value instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, Object> child = (Map<String, Object>) nested;
                printTree(out, key, child, indent + "  ");
            } else if (!"architecture".equals(key)) {
                out.printf("%s  %-24s %s%n", indent, key, value instanceof Double d ? String.format("%.4g", d)
                        : value);
            }
        });
    }
}
