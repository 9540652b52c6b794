package org.breathgate.receiver.ingest.mqtt;

import org.breathgate.testkit.ManualClock;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuarantineLogTest {

    /** A clock tests move by hand. */
    @Test
    void the_first_of_a_reason_is_logged_then_at_most_one_line_a_minute() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-02T08:00:00Z"));
        QuarantineLog log = new QuarantineLog(clock);
        assertTrue(log.log("bad_signature", 1, "t", "d"));
        assertFalse(log.log("bad_signature", 2, "t", "d"));
        clock.advance(Duration.ofSeconds(59));
        assertFalse(log.log("bad_signature", 3, "t", "d"));
        clock.advance(Duration.ofSeconds(1));
        assertTrue(log.log("bad_signature", 4, "t", "d"));
    }

    @Test
    void each_reason_is_limited_on_its_own() {
        QuarantineLog log = new QuarantineLog(new ManualClock(Instant.parse("2026-03-02T08:00:00Z")));
        assertTrue(log.log("bad_signature", 1, "t", "d"));
        assertTrue(log.log("unknown_key", 1, "t", "d"));
    }
}
