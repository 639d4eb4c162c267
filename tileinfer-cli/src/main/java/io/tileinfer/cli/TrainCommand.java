package io.tileinfer.cli;

import io.tileinfer.core.ExitCodes;
import io.tileinfer.model.ModelException;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.model.ModelVersion;
import io.tileinfer.model.RegistryFileException;
import io.tileinfer.train.CloudMaskTrainer;
import io.tileinfer.train.CloudMetrics;
import io.tileinfer.train.Evaluation;
import io.tileinfer.train.TrainConfig;
import io.tileinfer.train.TrainingException;
import io.tileinfer.train.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tileinfer train}: train the reference cloud mask, report its held-out metrics, register it. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the reference Landsat 8 cloud-mask model, evaluate it on held-out blocks against a "
                + "single-band baseline, and register it.")
final class TrainCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, description = "The training configuration (YAML).")
    Path config;

    @Option(names = "--registry", defaultValue = "models",
            description = "The model registry (default: ${DEFAULT-VALUE}).")
    Path registry;

    @Option(names = "--alias", description = "Point this alias (e.g. staging) at the new version.")
    String alias;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            // what can be told before minutes of training: the alias's name, the registry, its aliases file
            ModelRegistry models = ModelRegistry.open(registry);
            if (alias != null) {
                ModelRegistry.requireAliasName(alias);
                models.aliases();
            }
            TrainingResult result = CloudMaskTrainer.train(TrainConfig.load(config));
            ModelRegistry.Registration registration = models.registerOrRepair(result.onnx(), result.card());
            ModelsCommand.reportRepair(spec.commandLine().getErr(), registration);
            ModelVersion version = registration.version();
            if (alias != null) {
                try {
                    models.promote(version.id(), alias);
                } catch (ModelException e) { // the version is recorded: not exit 2, and say which it is
                    spec.commandLine().getErr().println("tileinfer: registered " + version.id() + " in "
                            + models.root() + ", but could not point " + alias + " at it: " + e.getMessage());
                    return ExitCodes.INTERNAL;
                }
            }
            Evaluation evaluation = result.evaluation();
            out.printf("trained %s on %s pixels, seed %d%n", result.card().name(),
                    result.card().hyperParameters().get("training_pixels"), result.card().seed());
            out.printf("held out %d of %d blocks of %dx%d pixels: %d labelled pixels, %.1f %% cloud%n",
                    evaluation.heldOutBlocks(), evaluation.blocks(), evaluation.blockSize(), evaluation.blockSize(),
                    evaluation.heldOutPixels(), 100 * evaluation.heldOutCloudFraction());
            out.printf("  %-10s %9s %7s %7s %7s%n", "cloud", "precision", "recall", "F1", "IoU");
            printRow(out, "model", evaluation.model(), "");
            printRow(out, "baseline", evaluation.baseline(), "  " + evaluation.baselineRule());
            out.printf("registered %s in %s%s%n", version.id(), models.root(),
                    alias == null ? "" : " as " + alias);
            out.flush();
            return ExitCodes.OK;
        } catch (RegistryFileException e) { // a registry file is broken, as for the models commands: exit 1
            spec.commandLine().getErr().println("tileinfer: " + e.getMessage());
            return ExitCodes.INTERNAL;
        } catch (TrainingException | ModelException | UncheckedIOException e) {
            spec.commandLine().getErr().println("tileinfer: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
    }

    private static void printRow(PrintWriter out, String name, CloudMetrics metrics, String note) {
        out.printf("  %-10s %9.4f %7.4f %7.4f %7.4f%s%n", name, metrics.precision(), metrics.recall(), metrics.f1(),
                metrics.iou(), note);
    }
}
