package io.tileinfer.cli;

import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.UserFailure;
import io.tileinfer.core.run.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Optional;

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
        Optional<UserFailure> failure = UserFailure.of(e);
        if (failure.isPresent()) {
            cli.getErr().println("tileinfer: " + failure.get().line());
            return failure.get().exitCode();
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
