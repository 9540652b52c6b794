package org.breathgate.care.account;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Locks out an account, and separately a source (an IP address), after repeated login failures.
 *
 * <p>Use: {@link #check} before the password is checked (and do not check it when refused), then
 * {@link #recordFailure} or {@link #recordSuccess}. A success clears the account's failures but not
 * the source's: otherwise a guesser with one valid account could reset their own count between
 * guesses. Attempts refused while locked do not lengthen the lock.
 *
 * <p>Account lockout lets anyone keep a known account locked by failing on purpose; the per-source
 * lock limits that to one source at a time, and an administrator can see it in the audit log
 * ({@code account.locked}). State is in memory: a restart forgets it, which costs an attacker at
 * most one more round of guesses.
 *
 * <p>Thread-safe: its methods are synchronised, as the receiver serves logins on several threads.
 */
public final class LoginThrottle {

    private final ThrottlePolicy policy;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new HashMap<>();
    private final Map<String, Instant> lockedUntil = new HashMap<>();

    public LoginThrottle(ThrottlePolicy policy, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether {@code account} may try to log in from {@code source} now. */
    public synchronized ThrottleDecision check(String account, String source) {
        Instant now = clock.instant();
        forgetExpired(now);
        Instant accountLock = lockedUntil.get(accountKey(account));
        if (accountLock != null) {
            return new ThrottleDecision(false, accountLock, "account");
        }
        Instant sourceLock = lockedUntil.get(sourceKey(source));
        if (sourceLock != null) {
            return new ThrottleDecision(false, sourceLock, "source");
        }
        return ThrottleDecision.ALLOWED;
    }

    /** Records a wrong password; returns whether further attempts are now refused. */
    public synchronized ThrottleDecision recordFailure(String account, String source) {
        Instant now = clock.instant();
        forgetExpired(now);
        fail(accountKey(account), now);
        fail(sourceKey(source), now);
        return check(account, source);
    }

    /** Records a successful login: the account's failures are forgotten (the source's are not). */
    public synchronized void recordSuccess(String account, String source) {
        Objects.requireNonNull(source, "source"); // kept: the source's failures still count
        failures.remove(accountKey(account));
    }

    private void fail(String key, Instant now) {
        if (lockedUntil.containsKey(key)) {
            return;
        }
        Deque<Instant> recent = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        recent.addLast(now);
        if (recent.size() >= policy.maxFailures()) {
            lockedUntil.put(key, now.plus(policy.lockout()));
            failures.remove(key);
        }
    }

    private void forgetExpired(Instant now) {
        Instant windowStart = now.minus(policy.window());
        failures.values().forEach(d -> {
            while (!d.isEmpty() && !d.peekFirst().isAfter(windowStart)) {
                d.removeFirst();
            }
        });
        failures.values().removeIf(Deque::isEmpty);
        lockedUntil.values().removeIf(until -> !until.isAfter(now));
    }

    private static String accountKey(String account) {
        return "account:" + Objects.requireNonNull(account, "account");
    }

    private static String sourceKey(String source) {
        return "source:" + Objects.requireNonNull(source, "source");
    }
}
