package org.breathgate.care.account;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginThrottleTest {

    private static final Instant T0 = Instant.parse("2026-03-10T09:00:00Z");
    private final LoginThrottle throttle = LoginThrottle.defaults();

    /** Stored states, as the receiver's database keeps them, for one account and address at a time. */
    private final Map<String, ThrottleState> stored = new java.util.HashMap<>();

    private Map<LoginThrottle.Key, ThrottleState> states(String account, String source) {
        Map<LoginThrottle.Key, ThrottleState> m = new EnumMap<>(LoginThrottle.Key.class);
        for (LoginThrottle.Key k : LoginThrottle.Key.values()) {
            m.put(k, stored.getOrDefault(k.of(account, source), ThrottleState.NONE));
        }
        return m;
    }

    /** One failed attempt as the receiver makes it: decide, and if allowed count the failure against every key. */
    private ThrottleDecision attempt(String account, String source, Instant now) {
        ThrottleDecision d = throttle.decide(states(account, source), now);
        if (d.allowed()) {
            for (LoginThrottle.Key k : LoginThrottle.Key.values()) {
                String name = k.of(account, source);
                stored.put(name, throttle.failed(k, stored.getOrDefault(name, ThrottleState.NONE), now));
            }
        }
        return d;
    }

    @Test
    void five_failures_are_free_and_the_sixth_makes_the_next_attempt_wait_half_a_minute() {
        for (int i = 0; i < 5; i++) {
            assertTrue(attempt("anna", "10.0.0.1", T0).allowed());
        }
        assertTrue(throttle.decide(states("anna", "10.0.0.1"), T0).allowed(), "five failures cost nothing");
        assertTrue(attempt("anna", "10.0.0.1", T0).allowed());
        ThrottleDecision d = throttle.decide(states("anna", "10.0.0.1"), T0);
        assertFalse(d.allowed());
        assertEquals(T0.plusSeconds(30), d.retryAt());
        assertEquals(LoginThrottle.Key.ACCOUNT_FROM_SOURCE, d.slowedBy());
        assertTrue(throttle.decide(states("anna", "10.0.0.1"), T0.plusSeconds(30)).allowed());
    }

    @Test
    void each_further_failure_doubles_the_wait_up_to_fifteen_minutes() {
        Instant now = T0;
        for (int i = 0; i < 40; i++) {
            ThrottleDecision d = throttle.decide(states("anna", "10.0.0.1"), now);
            if (!d.allowed()) {
                now = d.retryAt();
            }
            assertTrue(attempt("anna", "10.0.0.1", now).allowed());
        }
        ThrottleState s = stored.get("pair:anna|10.0.0.1");
        assertEquals(Duration.ofMinutes(15), Duration.between(s.lastFailure(), s.waitUntil()));
        assertEquals(Duration.ofMinutes(4), ThrottlePolicy.ACCOUNT_FROM_SOURCE.delayAfter(9));
    }

    @Test
    void a_stranger_failing_on_purpose_delays_a_named_worker_elsewhere_by_at_most_a_minute() {
        Instant now = T0;
        for (int i = 0; i < 200; i++) {
            // The stranger spreads guesses over many addresses so no address is slowed.
            attempt("anna", "198.51.100." + (i % 250), now);
            now = now.plusMillis(10);
        }
        ThrottleDecision forAnna = throttle.decide(states("anna", "10.0.0.7"), now);
        assertFalse(forAnna.allowed(), "the account as a whole is slowed");
        assertEquals(LoginThrottle.Key.ACCOUNT, forAnna.slowedBy());
        assertTrue(Duration.between(now, forAnna.retryAt()).compareTo(Duration.ofMinutes(1)) <= 0, forAnna.toString());
        assertTrue(throttle.decide(states("anna", "10.0.0.7"), now.plus(Duration.ofMinutes(1))).allowed(),
                "no lock-out: a minute later anna may try");
    }

    @Test
    void one_address_trying_many_accounts_is_slowed_after_twenty_failures() {
        for (int i = 0; i < 20; i++) {
            assertTrue(attempt("user" + i, "203.0.113.9", T0).allowed());
        }
        ThrottleDecision d = throttle.decide(states("someone-else", "203.0.113.9"), T0);
        assertTrue(d.allowed(), "twenty are free");
        attempt("user20", "203.0.113.9", T0);
        d = throttle.decide(states("someone-else", "203.0.113.9"), T0);
        assertFalse(d.allowed());
        assertEquals(LoginThrottle.Key.SOURCE, d.slowedBy());
        assertTrue(throttle.decide(states("someone-else", "10.0.0.1"), T0).allowed(), "another address is not slowed");
    }

    @Test
    void failures_are_forgotten_after_a_day_without_any() {
        for (int i = 0; i < 6; i++) {
            attempt("anna", "10.0.0.1", T0);
        }
        ThrottleState s = stored.get("pair:anna|10.0.0.1");
        assertEquals(6, throttle.current(LoginThrottle.Key.ACCOUNT_FROM_SOURCE, s, T0.plus(Duration.ofHours(23))).failures());
        assertEquals(ThrottleState.NONE, throttle.current(LoginThrottle.Key.ACCOUNT_FROM_SOURCE, s, T0.plus(Duration.ofHours(24))));
    }

    @Test
    void delays_begin_once_per_key_so_the_audit_log_gets_one_entry_not_one_per_guess() {
        ThrottleState s = ThrottleState.NONE;
        int begins = 0;
        for (int i = 0; i < 12; i++) {
            s = throttle.failed(LoginThrottle.Key.ACCOUNT_FROM_SOURCE, s, T0.plusSeconds(i * 3600L));
            if (throttle.delaysBegin(LoginThrottle.Key.ACCOUNT_FROM_SOURCE, s)) {
                begins++;
            }
        }
        assertEquals(1, begins);
    }

    @Test
    void a_success_clears_the_account_keys_but_not_the_address() {
        assertTrue(LoginThrottle.Key.ACCOUNT_FROM_SOURCE.clearedBySuccess());
        assertTrue(LoginThrottle.Key.ACCOUNT.clearedBySuccess());
        assertFalse(LoginThrottle.Key.SOURCE.clearedBySuccess(), "a guesser with one valid account cannot reset their address");
    }
}
