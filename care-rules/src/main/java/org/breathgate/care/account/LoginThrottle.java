package org.breathgate.care.account;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The rules of sign-in throttling, without storage: each attempt counts against three keys (this account from this
 * address, this address, this account), each with its own {@link ThrottlePolicy} of progressive delays. The receiver keeps
 * the states in its database and applies these rules in one transaction per attempt.
 *
 * <p>Use, atomically: {@link #decide} on the current states; if allowed, store {@link #failed} for every key <em>before</em>
 * checking the credentials (so attempts racing in parallel each see the ones before them), then on success forget the
 * account's keys with {@link #succeeded} (the address's count stays: a guesser with one valid account must not reset their
 * own count between guesses).
 */
public final class LoginThrottle {

    /** What an attempt counts against. */
    public enum Key {
        /** This account from this address: the tight limit. */
        ACCOUNT_FROM_SOURCE,
        /** This address, whatever account: against password spraying. */
        SOURCE,
        /** This account from every address: a loose limit with a short ceiling, so a stranger cannot lock a person out. */
        ACCOUNT;

        /** The stored name of this key for {@code account} and {@code source}, e.g. {@code account:anna}. */
        public String of(String account, String source) {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(source, "source");
            switch (this) {
                case ACCOUNT_FROM_SOURCE:
                    return "pair:" + account + "|" + source;
                case SOURCE:
                    return "source:" + source;
                case ACCOUNT:
                    return "account:" + account;
                default:
                    throw new IllegalStateException(name());
            }
        }

        /** Whether a success for the account clears this key. */
        public boolean clearedBySuccess() {
            return this != SOURCE;
        }
    }

    private final Map<Key, ThrottlePolicy> policies = new EnumMap<>(Key.class);

    public LoginThrottle(ThrottlePolicy accountFromSource, ThrottlePolicy source, ThrottlePolicy account) {
        policies.put(Key.ACCOUNT_FROM_SOURCE, Objects.requireNonNull(accountFromSource, "accountFromSource"));
        policies.put(Key.SOURCE, Objects.requireNonNull(source, "source"));
        policies.put(Key.ACCOUNT, Objects.requireNonNull(account, "account"));
    }

    /** {@link ThrottlePolicy#ACCOUNT_FROM_SOURCE}, {@link ThrottlePolicy#SOURCE} and {@link ThrottlePolicy#ACCOUNT}. */
    public static LoginThrottle defaults() {
        return new LoginThrottle(ThrottlePolicy.ACCOUNT_FROM_SOURCE, ThrottlePolicy.SOURCE, ThrottlePolicy.ACCOUNT);
    }

    public ThrottlePolicy policy(Key key) {
        return policies.get(key);
    }

    /** {@code stored} as it stands at {@code now}: failures older than the policy's memory are forgotten. */
    public ThrottleState current(Key key, ThrottleState stored, Instant now) {
        if (stored == null || stored.failures() == 0) {
            return ThrottleState.NONE;
        }
        Duration memory = policies.get(key).forgetAfter();
        return now.isBefore(stored.lastFailure().plus(memory)) ? stored : ThrottleState.NONE;
    }

    /** Whether an attempt may go ahead at {@code now} given each key's current state (missing keys: nothing remembered). */
    public ThrottleDecision decide(Map<Key, ThrottleState> states, Instant now) {
        Instant retryAt = null;
        Key by = null;
        for (Key key : Key.values()) {
            ThrottleState s = current(key, states.get(key), now);
            if (s.waitUntil() != null && now.isBefore(s.waitUntil()) && (retryAt == null || s.waitUntil().isAfter(retryAt))) {
                retryAt = s.waitUntil();
                by = key;
            }
        }
        return retryAt == null ? ThrottleDecision.ALLOWED : new ThrottleDecision(false, retryAt, by);
    }

    /** The state of {@code key} after one more failure at {@code now}. */
    public ThrottleState failed(Key key, ThrottleState current, Instant now) {
        ThrottleState s = current(key, current, now);
        int failures = s.failures() + 1;
        Duration delay = policies.get(key).delayAfter(failures);
        return new ThrottleState(failures, now, delay.isZero() ? null : now.plus(delay));
    }

    /** Whether this failure is the one that started {@code key}'s delays (worth one audit entry, not one per attempt). */
    public boolean delaysBegin(Key key, ThrottleState after) {
        return after.failures() == policies.get(key).freeFailures() + 1;
    }
}
