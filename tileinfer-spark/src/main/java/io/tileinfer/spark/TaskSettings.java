package io.tileinfer.spark;

import io.tileinfer.core.run.RunContext;
import io.tileinfer.raster.ObjectStoreOptions;

import java.io.Serializable;

/**
 * What an executor needs to know of the run, shipped with every task: values only, nothing of the driver's
 * process. Paths and the store URL must reach the same files and database from every machine.
 *
 * @param blend           whether tiles write their kept window's probabilities for blending, not their crop
 * @param maxTaskFailures how many attempts Spark gives a task before it fails the job
 */
record TaskSettings(String runId, String registry, String modelVersion, String storeUrl,
                    ObjectStoreOptions objectStore, int tileSize, int retries, boolean probabilities,
                    boolean blend, int maxTaskFailures) implements Serializable {

    static TaskSettings of(RunContext run, int maxTaskFailures) {
        return new TaskSettings(run.runId(), run.config().registry().toAbsolutePath().toString(), run.model().id(),
                run.config().effectiveStoreUrl(), run.config().objectStore(), run.settings().tileSize(),
                run.config().retries(), run.config().probabilities(), run.settings().blend(), maxTaskFailures);
    }

    /** The last attempt Spark makes of a task, counting from 0; with no retries there is none to save. */
    boolean isLastOfSeveralAttempts(int attemptNumber) {
        return attemptNumber > 0 && attemptNumber == maxTaskFailures - 1;
    }
}
