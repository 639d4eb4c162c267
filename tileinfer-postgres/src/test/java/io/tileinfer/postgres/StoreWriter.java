package io.tileinfer.postgres;

import io.tileinfer.core.store.ResultStore;
import io.tileinfer.core.store.ResultStores;
import io.tileinfer.core.store.TileResult;
import io.tileinfer.core.store.TileStatus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A writer process for the concurrency and kill tests: {@code URL RUN FROM TO BATCH ORDER STATUS [HUGE]} writes the
 * tiles FROM..TO-1 of RUN in batches of BATCH rows, ascending or descending (ORDER), with STATUS; with HUGE it then
 * prints "committed" and writes HUGE further rows in one transaction (which the kill test interrupts).
 */
public final class StoreWriter {
    private StoreWriter() {
    }

    public static void main(String[] args) {
        String url = args[0];
        String runId = args[1];
        int from = Integer.parseInt(args[2]);
        int to = Integer.parseInt(args[3]);
        int batch = Integer.parseInt(args[4]);
        boolean descending = "desc".equals(args[5]);
        TileStatus status = TileStatus.valueOf(args[6]);
        List<TileResult> rows = Rows.tiles(runId, from, to, status);
        if (descending) {
            Collections.reverse(rows);
        }
        try (ResultStore store = ResultStores.open(url)) {
            for (int i = 0; i < rows.size(); i += batch) {
                store.saveTiles(rows.subList(i, Math.min(i + batch, rows.size())));
            }
            if (args.length > 7) {
                System.out.println("committed");
                System.out.flush();
                store.saveTiles(Rows.tiles(runId, to, to + Integer.parseInt(args[7]), TileStatus.DONE));
                System.out.println("the huge batch committed: the test was too slow to kill it");
            }
        }
    }

    /** Starts this writer in its own JVM; its output goes to {@code log}. */
    static Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreWriter.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
