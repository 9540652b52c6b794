package org.breathgate.receiver.care.alert;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogThrottleTest {

    private static final Instant T0 = Instant.parse("2026-12-07T07:00:00Z");

    @Test
    void a_key_is_logged_once_an_hour_and_other_keys_on_their_own() {
        LogThrottle throttle = new LogThrottle(Duration.ofHours(1), 100);
        assertTrue(throttle.allow("home-0001", T0));
        assertFalse(throttle.allow("home-0001", T0.plusSeconds(1)));
        assertFalse(throttle.allow("home-0001", T0.plus(Duration.ofMinutes(59))));
        assertTrue(throttle.allow("home-0002", T0.plusSeconds(1)), "another device is not held back");
        assertTrue(throttle.allow("home-0001", T0.plus(Duration.ofHours(1))));
        assertFalse(throttle.allow("home-0001", T0.plus(Duration.ofMinutes(61))));
    }

    @Test
    void a_clock_set_back_does_not_silence_a_key_until_it_catches_up() {
        LogThrottle throttle = new LogThrottle(Duration.ofHours(1), 100);
        assertTrue(throttle.allow("home-0001", T0));
        assertTrue(throttle.allow("home-0001", T0.minus(Duration.ofDays(1))));
        assertFalse(throttle.allow("home-0001", T0.minus(Duration.ofDays(1)).plusSeconds(5)));
    }

    @Test
    void memory_is_bounded_and_a_forgotten_key_is_logged_again() {
        LogThrottle throttle = new LogThrottle(Duration.ofHours(1), 2);
        assertTrue(throttle.allow("a", T0));
        assertTrue(throttle.allow("b", T0));
        assertTrue(throttle.allow("c", T0)); // "a" is forgotten
        assertTrue(throttle.allow("a", T0.plusSeconds(1)));
        assertFalse(throttle.allow("c", T0.plusSeconds(1)));
    }
}
