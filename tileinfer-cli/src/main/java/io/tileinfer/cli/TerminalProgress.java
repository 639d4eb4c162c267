package io.tileinfer.cli;

import io.tileinfer.core.run.RunListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar with tiles/s and ETA, for a person watching a terminal. */
final class TerminalProgress implements RunListener {
    private ProgressBar bar;

    @Override
    public synchronized void sceneStarted(String sceneId, int tiles, int alreadyFinished) {
        bar = new ProgressBarBuilder().setTaskName(sceneId).setInitialMax(tiles).setUnit(" tiles", 1)
                .setStyle(ProgressBarStyle.ASCII).showSpeed().setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
                .startsFrom(alreadyFinished, java.time.Duration.ZERO).build();
    }

    @Override
    public synchronized void tilesFinished(int count) {
        bar.stepBy(count);
    }

    @Override
    public synchronized void sceneFinished(String sceneId) {
        bar.close();
    }
}
