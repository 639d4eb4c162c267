package io.tileinfer.cli;

import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStores;
import io.tileinfer.core.store.RunRecord;
import io.tileinfer.core.store.SceneResult;
import io.tileinfer.core.store.StoreUrls;
import io.tileinfer.core.store.TileCounts;
import io.tileinfer.core.store.TileResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code tileinfer runs}: the result store's runs for people at a terminal, as the web page shows them (a running row
 * whose process went silent is {@code interrupted}, see {@link RunRecord#statusAt}). Reads only: a SQLite store that
 * does not exist is not created.
 */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "List the result store's runs, or show one: its scenes and failed tiles. Reads only.",
        subcommands = {RunsCommand.ListCommand.class, RunsCommand.ShowCommand.class})
final class RunsCommand implements Callable<Integer> {
    private static final DateTimeFormatter STARTED =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    /** Failed tiles shown by {@code runs show}; the store and the manifest have them all. */
    static final int FAILURES_SHOWN = 20;

    @Option(names = "--store", scope = ScopeType.INHERIT, description = "The result store, e.g. "
            + "jdbc:sqlite:runs/results.db or jdbc:postgresql://... (default: TILEINFER_STORE_URL, else "
            + "jdbc:sqlite:runs/results.db).")
    String store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: list or show");
    }

    private String url() {
        return StoreOption.url(store);
    }

    private static String absent(String url) {
        return StoreUrls.redact(url) + (url.startsWith("jdbc:sqlite:") ? " does not exist" : " has no result tables")
                + " (no run was recorded there)";
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The newest runs first.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        RunsCommand parent;
        @Spec
        CommandSpec spec;
        @Option(names = "--limit", defaultValue = "20", description = "How many runs (1 to 500, default: "
                + "${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 500) {
                throw new ParameterException(spec.commandLine(), "--limit: " + limit + ", expected 1 to 500");
            }
            PrintWriter out = spec.commandLine().getOut();
            String url = parent.url();
            Optional<ResultStore> opened = ResultStores.openExisting(url);
            if (opened.isEmpty()) {
                out.println("no runs: " + absent(url));
                out.flush();
                return ExitCodes.OK;
            }
            try (ResultStore store = opened.get()) {
                List<RunRecord> runs = store.runs(limit, null).runs();
                if (runs.isEmpty()) {
                    out.println("no runs");
                    return ExitCodes.OK;
                }
                Map<String, TileCounts> counts = store.tileCounts(runs.stream().map(RunRecord::runId).toList());
                Instant now = Instant.now();
                out.printf("%-24s %-22s %-20s %9s %7s %7s %7s  %s%n", "RUN", "STATUS", "STARTED (UTC)", "DURATION",
                        "DONE", "SKIPPED", "FAILED", "MODEL");
                for (RunRecord run : runs) {
                    TileCounts tiles = counts.getOrDefault(run.runId(), TileCounts.NONE);
                    out.printf("%-24s %-22s %-20s %9s %7d %7d %7d  %s%n", run.runId(), run.statusAt(now),
                            STARTED.format(run.startedAt()), duration(run), tiles.done(), tiles.skipped(),
                            tiles.failed(), run.modelVersion());
                }
                return ExitCodes.OK;
            } finally {
                out.flush();
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "A run: its status, configuration, manifest, scenes and first failed tiles.")
    static final class ShowCommand implements Callable<Integer> {
        @ParentCommand
        RunsCommand parent;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "RUN", description = "The run id.")
        String runId;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            String url = parent.url();
            try (ResultStore store = ResultStores.openExisting(url).orElseThrow(() -> new IllegalArgumentException(
                    "no run " + runId + ": " + absent(url)))) {
                RunRecord run = store.run(runId).orElseThrow(() -> new IllegalArgumentException("no run " + runId
                        + " in the store; `tileinfer runs list` lists them"));
                String status = run.statusAt(Instant.now());
                out.println("run:           " + run.runId());
                out.println("status:        " + status + ("interrupted".equals(status) ? " (its process stopped "
                        + "without saying so; run the same configuration again to resume)" : ""));
                out.println("model:         " + run.modelVersion());
                out.println("configuration: " + run.configPath() + " (SHA-256 " + run.configSha256() + ")");
                out.println("started:       " + run.startedAt());
                out.println("finished:      " + (run.finishedAt() == null ? "-" : run.finishedAt()
                        + " (" + duration(run) + ")"));
                out.println("heartbeat:     " + (run.heartbeatAt() == null ? "-" : run.heartbeatAt()));
                out.println("manifest:      " + (run.manifest() == null ? "-" : run.manifest()));
                TileCounts tiles = store.tileCounts(List.of(runId)).getOrDefault(runId, TileCounts.NONE);
                out.printf("tiles:         %d done, %d skipped as nodata, %d failed%n", tiles.done(), tiles.skipped(),
                        tiles.failed());
                for (SceneResult scene : store.scenes(runId)) {
                    out.printf("scene %s: %s, %d tiles%s%n", scene.sceneId(), scene.status(), scene.tiles(),
                            scene.output() == null ? "" : " -> " + scene.output());
                    if (scene.error() != null) {
                        scene.error().lines().forEach(line -> out.println("  " + line));
                    }
                }
                List<TileResult> failures = store.failures(runId);
                failures.stream().limit(FAILURES_SHOWN).forEach(t -> out.printf("failed %s (%s, %d attempts): %s%n",
                        t.tileId(), t.cause(), t.attempts(), t.error()));
                if (failures.size() > FAILURES_SHOWN) {
                    out.printf("... and %d more failed tiles (the store's tile_results has them all)%n",
                            failures.size() - FAILURES_SHOWN);
                }
                return ExitCodes.OK;
            } finally {
                out.flush();
            }
        }
    }

    private static String duration(RunRecord run) {
        if (run.finishedAt() == null) {
            return "-";
        }
        return String.format("%.1f s", Duration.between(run.startedAt(), run.finishedAt()).toMillis() / 1000.0);
    }
}
