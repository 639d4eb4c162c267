package io.tileinfer.cli;

import io.tileinfer.core.config.ConfigException;
import io.tileinfer.core.run.RunHeldException;
import io.tileinfer.core.run.Version;
import io.tileinfer.core.store.StoreException;
import io.tileinfer.model.ModelException;
import io.tileinfer.raster.FileErrors;
import io.tileinfer.raster.GdalUnavailableException;
import io.tileinfer.raster.RasterException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The {@code tileinfer} command. */
@Command(name = "tileinfer", mixinStandardHelpOptions = true, versionProvider = Tileinfer.VersionProvider.class,
        description = "Runs ML models over satellite imagery: validate scenes, plan and run batches, train and "
                + "manage models.",
        subcommands = {BatchCommand.class, ValidateCommand.class, PlanCommand.class, TrainCommand.class,
                ModelsCommand.class, RunsCommand.class, ServeCommand.class, AotTrainingCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:internal error", "2:bad command line or configuration",
                "3:run finished with failed tiles or scenes", "4:validation found problems"})
public final class Tileinfer {

    public static void main(String[] args) {
        if (System.console() != null && System.console().isTerminal()
                && System.getProperty("tileinfer.log.level") == null) {
            System.setProperty("tileinfer.log.level", "WARN"); // the progress bar shows the rest
        }
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Tileinfer())
                .setExecutionExceptionHandler(Tileinfer::handle)
                .setExitCodeExceptionMapper(e -> ExitCodes.CONFIG);
        return cli.execute(args);
    }

    /** Users get one precise line, not a stack trace; bugs keep theirs. */
    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        if (e instanceof ConfigException || e instanceof ModelException || e instanceof IllegalArgumentException) {
            cli.getErr().println("tileinfer: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        if (e instanceof RasterException || e instanceof StoreException || e instanceof RunHeldException
                || e instanceof GdalUnavailableException) {
            cli.getErr().println("tileinfer: " + e.getMessage());
            return ExitCodes.INTERNAL;
        }
        if (e instanceof IOException io) {
            cli.getErr().println("tileinfer: " + FileErrors.describe(io));
            return ExitCodes.INTERNAL;
        }
        if (e instanceof UncheckedIOException io) {
            cli.getErr().println("tileinfer: " + FileErrors.describe(io));
            return ExitCodes.INTERNAL;
        }
        cli.getErr().println("tileinfer: internal error: " + e);
        e.printStackTrace(cli.getErr());
        return ExitCodes.INTERNAL;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"tileinfer " + Version.tileinfer() + " (" + Version.commit() + ")"};
        }
    }
}
