package org.breathgate.agent.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClockJumpDetectorTest {

    private final ClockJumpDetector detector = new ClockJumpDetector(Duration.ofSeconds(10));
    private final Instant t0 = Instant.parse("2026-03-02T06:00:00Z");

    @Test
    void clocks_moving_together_are_no_jump() {
        detector.observe(t0, 1_000);
        assertTrue(detector.observe(t0.plusSeconds(60), 61_000).isEmpty());
    }

    @Test
    void a_wall_clock_step_forward_is_a_jump_of_that_size() {
        detector.observe(t0, 1_000);
        var jump = detector.observe(t0.plusSeconds(3600), 2_000).orElseThrow();
        assertEquals(Duration.ofSeconds(3599), jump.size());
    }

    @Test
    void a_wall_clock_step_back_is_a_negative_jump() {
        detector.observe(t0, 1_000);
        var jump = detector.observe(t0.minusSeconds(600), 2_000).orElseThrow();
        assertTrue(jump.size().isNegative());
    }

    @Test
    void drift_within_the_tolerance_is_no_jump() {
        detector.observe(t0, 1_000);
        assertTrue(detector.observe(t0.plusSeconds(5), 1_000).isEmpty());
    }

    @Test
    void the_first_look_is_never_a_jump() {
        assertTrue(detector.observe(Instant.EPOCH, 5).isEmpty());
    }
}
