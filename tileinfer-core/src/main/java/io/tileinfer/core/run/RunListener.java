package io.tileinfer.core.run;

/** Follows a run's progress: a progress bar on a terminal, periodic log lines elsewhere. */
public interface RunListener {

    /** {@code alreadyFinished} tiles were finished by an earlier, interrupted attempt of the same run. */
    void sceneStarted(String sceneId, int tiles, int alreadyFinished);

    void tilesFinished(int count);

    void sceneFinished(String sceneId);
}
