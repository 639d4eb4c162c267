package io.tileinfer.core.store;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunRecordTest {
    private static final Instant START = Instant.parse("2026-05-06T07:00:00Z");

    private static RunRecord run(String status, Instant heartbeat) {
        return new RunRecord("r", "c.yaml", "sha", "m-1", START, null, status, null, heartbeat);
    }

    @Test
    void aRunningRowIsInterruptedOnceItsProcessHasBeenSilentForLongerThanTheLimit() {
        Instant beat = START.plusSeconds(600);
        assertEquals("running", run("running", beat).statusAt(beat.plus(RunRecord.SILENT_AFTER)));
        assertEquals("interrupted", run("running", beat).statusAt(beat.plus(RunRecord.SILENT_AFTER).plusSeconds(1)));
    }

    @Test
    void aRowWithoutAHeartbeatWrittenByAnEarlierVersionIsRunningForADay() {
        assertEquals("running", run("running", null).statusAt(START.plusSeconds(3600)));
        assertEquals("interrupted", run("running", null).statusAt(START.plus(RunRecord.SILENT_AFTER_WITHOUT_HEARTBEAT)
                .plusSeconds(1)));
    }

    @Test
    void anEndedRunKeepsItsStatusHoweverOld() {
        for (String status : new String[]{"succeeded", "finished_with_failures", "failed", "stopped"}) {
            assertEquals(status, run(status, START).statusAt(START.plusSeconds(86_400)));
        }
    }
}
