package org.breathgate.care.account;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginThrottleTest {

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock { // care does not depend on testkit: its tests stay free of MQTT and databases
        Instant now = Instant.parse("2026-03-10T09:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final LoginThrottle throttle = new LoginThrottle(ThrottlePolicy.DEFAULT, clock);

    private void fail(int times, String account, String source) {
        for (int i = 0; i < times; i++) {
            throttle.recordFailure(account, source);
        }
    }

    @Test
    void four_failures_still_allow_a_fifth_try() {
        fail(4, "anna", "10.0.0.1");
        assertTrue(throttle.check("anna", "10.0.0.1").allowed());
    }

    @Test
    void the_fifth_failure_locks_the_account_for_fifteen_minutes() {
        fail(5, "anna", "10.0.0.1");
        ThrottleDecision d = throttle.check("anna", "10.0.0.2");
        assertFalse(d.allowed());
        assertEquals("account", d.lockedBy());
        assertEquals(clock.now.plus(Duration.ofMinutes(15)), d.lockedUntil());
    }

    @Test
    void the_lock_ends_after_fifteen_minutes() {
        fail(5, "anna", "10.0.0.1");
        clock.advance(Duration.ofMinutes(15));
        assertTrue(throttle.check("anna", "10.0.0.1").allowed());
    }

    @Test
    void failures_older_than_the_window_do_not_count() {
        fail(4, "anna", "10.0.0.1");
        clock.advance(Duration.ofMinutes(15));
        fail(1, "anna", "10.0.0.1");
        assertTrue(throttle.check("anna", "10.0.0.1").allowed());
    }

    @Test
    void one_source_failing_on_many_accounts_is_locked() {
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure("user" + i, "203.0.113.9");
        }
        ThrottleDecision d = throttle.check("anna", "203.0.113.9");
        assertFalse(d.allowed());
        assertEquals("source", d.lockedBy());
        assertTrue(throttle.check("anna", "10.0.0.1").allowed());
    }

    @Test
    void a_success_clears_the_accounts_failures_but_not_the_sources() {
        fail(4, "anna", "203.0.113.9");
        throttle.recordSuccess("anna", "203.0.113.9");
        fail(1, "anna", "10.0.0.1");
        assertTrue(throttle.check("anna", "10.0.0.1").allowed());
        fail(1, "bob", "203.0.113.9");
        assertEquals("source", throttle.check("bob", "203.0.113.9").lockedBy());
    }

    @Test
    void failures_while_locked_do_not_lengthen_the_lock() {
        fail(5, "anna", "10.0.0.1");
        Instant until = throttle.check("anna", "10.0.0.1").lockedUntil();
        clock.advance(Duration.ofMinutes(10));
        fail(3, "anna", "10.0.0.1");
        assertEquals(until, throttle.check("anna", "10.0.0.1").lockedUntil());
    }
}
