package org.breathgate.receiver.ingest.deviceapi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed attempts per client address in a sliding window; once an address has
 * {@code limit} failures within {@code window}, it is refused until the oldest of them leaves the
 * window. In memory: a restart forgets (codes have 75 random bits, so this only has to make
 * guessing slow, not impossible to retry). Thread-safe.
 */
public final class FailureLimiter {

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public FailureLimiter(int limit, Duration window, Clock clock) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Seconds until {@code address} may try again, or empty if it may now. */
    public OptionalLong retryAfter(String address) {
        Deque<Instant> times = failures.get(address);
        if (times == null) {
            return OptionalLong.empty();
        }
        synchronized (times) {
            Instant now = clock.instant();
            prune(times, now);
            if (times.size() < limit) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Math.max(1, Duration.between(now, times.peekFirst().plus(window)).toSeconds() + 1));
        }
    }

    /** Records one failure of {@code address}. */
    public void fail(String address) {
        Deque<Instant> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (times) {
            Instant now = clock.instant();
            prune(times, now);
            times.addLast(now);
        }
        if (failures.size() > 10_000) {
            failures.entrySet().removeIf(e -> {
                synchronized (e.getValue()) {
                    prune(e.getValue(), clock.instant());
                    return e.getValue().isEmpty();
                }
            });
        }
    }

    private void prune(Deque<Instant> times, Instant now) {
        while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
            times.removeFirst();
        }
    }
}
