package io.tileinfer.core.run;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SceneCompletionsTest {

    private static Manifest.SceneEntry scene(String id) {
        return new Manifest.SceneEntry(id, "DONE", List.of(), null, null, null, null, null, null, null, null, List.of(),
                null, null, null, null);
    }

    @Test
    void theNextSceneGoesOnWhileThePreviousOneCompletesAndEntriesKeepTheOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch secondRan = new CountDownLatch(1);
        try (SceneCompletions completions = new SceneCompletions()) {
            completions.submit(() -> {
                assertTrue(release.await(30, TimeUnit.SECONDS));
                return scene("a");
            });
            // submit returned while "a" still completes: the caller's next scene runs meanwhile
            assertEquals(1, release.getCount());
            release.countDown();
            completions.submit(() -> {
                secondRan.countDown();
                return scene("b");
            });
            completions.submit(() -> scene("c"));
            assertEquals(List.of("a", "b", "c"), completions.entries().stream().map(Manifest.SceneEntry::id).toList());
            assertEquals(0, secondRan.getCount());
        }
    }

    @Test
    void aFailedCompletionIsThrownByTheNextSubmitAndTheNextOneRunsAllTheSame() throws Exception {
        IOException failure = new IOException("cannot write the COG");
        CountDownLatch secondRan = new CountDownLatch(1);
        SceneCompletions completions = new SceneCompletions();
        completions.submit(() -> {
            throw failure;
        });
        IOException thrown = assertThrows(IOException.class, () -> completions.submit(() -> {
            secondRan.countDown();
            return scene("b");
        }));
        assertSame(failure, thrown);
        completions.close(); // the run ends there; the second scene's files are still completed and closed
        assertTrue(secondRan.await(30, TimeUnit.SECONDS));
    }

    @Test
    void anInterruptedWaitGoesOnAndKeepsTheInterrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (SceneCompletions completions = new SceneCompletions()) {
            completions.submit(() -> {
                assertTrue(release.await(30, TimeUnit.SECONDS));
                return scene("a");
            });
            Thread caller = Thread.currentThread();
            Thread.ofPlatform().start(() -> {
                caller.interrupt();
                release.countDown();
            });
            assertEquals(List.of("a"), completions.entries().stream().map(Manifest.SceneEntry::id).toList());
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller (and cleared here)");
        }
    }

    @Test
    void closingWaitsForTheSceneBeingCompleted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        boolean[] completed = {false};
        SceneCompletions completions = new SceneCompletions();
        completions.submit(() -> {
            started.countDown();
            Thread.sleep(300);
            completed[0] = true;
            return scene("a");
        });
        assertTrue(started.await(30, TimeUnit.SECONDS));
        assertFalse(completed[0]);
        completions.close(); // e.g. the next scene was stopped: this one's raster and row are still made
        assertTrue(completed[0]);
    }
}
