package org.breathgate.receiver.ingest.mqtt;

import org.breathgate.protocol.ClockFacts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClockCheckTest {

    private static final Instant NOW = Instant.parse("2026-11-25T06:00:00Z");
    private final ClockCheck check = new ClockCheck(Duration.ofMinutes(5));

    private static ClockFacts at(Instant wall, String boot, Duration sinceBoot, boolean synced) {
        return new ClockFacts(wall, boot, sinceBoot.toMillis(), synced);
    }

    @Test
    void a_clock_in_step_with_the_receiver_is_believed_even_for_evidence_that_waited_days_offline() {
        assertNull(check.check("home-1", at(NOW.minusSeconds(2), "b1", Duration.ofHours(1), true), NOW));
        // Made three days ago in the same boot, delivered now: its boot start agrees.
        assertNull(check.check("home-1", at(NOW.minus(Duration.ofDays(3)), "b2", Duration.ofHours(2), true), NOW));
        assertNull(check.check("home-1", at(NOW.minus(Duration.ofDays(3)).plusSeconds(60), "b2", Duration.ofHours(2).plusSeconds(60), true), NOW));
    }

    @Test
    void a_clock_ahead_is_doubted_even_for_an_event_made_earlier_in_the_boot() {
        String first = check.check("home-1", at(NOW.plus(Duration.ofHours(6)), "b1", Duration.ofHours(1), true), NOW);
        assertTrue(first != null && first.startsWith("ahead") && first.contains("21600"), first);
        // An older event of the same boot, delivered late: its wall time is in the past, but its boot still started "in the future".
        String older = check.check("home-1", at(NOW.plus(Duration.ofHours(5)), "b1", Duration.ofMinutes(1), true), NOW.plusSeconds(1));
        assertTrue(older != null && older.startsWith("ahead"), older);
    }

    @Test
    void a_clock_set_back_while_the_device_runs_is_doubted_from_then_on() {
        assertNull(check.check("home-1", at(NOW, "b1", Duration.ofHours(1), true), NOW));
        String after = check.check("home-1", at(NOW.minus(Duration.ofHours(2)).plusSeconds(60), "b1", Duration.ofHours(1).plusSeconds(60), true),
                NOW.plusSeconds(60));
        assertTrue(after != null && after.startsWith("jumped") && after.contains("back"), after);
        String later = check.check("home-1", at(NOW.minus(Duration.ofHours(2)).plusSeconds(120), "b1", Duration.ofHours(1).plusSeconds(120),
                true), NOW.plusSeconds(120));
        assertTrue(later != null && later.startsWith("jumped"), later);
    }

    @Test
    void an_unsynchronised_clock_is_not_judged_and_a_new_boot_starts_afresh() {
        assertNull(check.check("home-1", at(NOW.plus(Duration.ofDays(400)), "b1", Duration.ofMinutes(1), false), NOW));
        assertNull(check.check("home-1", at(NOW, "b2", Duration.ofMinutes(1), true), NOW));
    }
}
