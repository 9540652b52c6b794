package org.breathgate.receiver.ingest.deviceapi;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The nonces of signed device requests seen within {@link #window()}, in memory, bounded. A nonce is
 * remembered per device from the moment a request carrying it was verified. Since requests are only
 * accepted with an {@code iat} within ±10 minutes and nonces are remembered for 20, a request can
 * never be replayed while the receiver runs (after a restart the cache is empty; the {@code iat} window
 * still limits a replay to those 10 minutes, and both endpoints are idempotent).
 *
 * <p>When {@link #capacity()} live entries are held, new nonces are refused ({@link #remember} returns
 * {@link Outcome#FULL}) rather than forgetting live ones, which would open a replay window. Only
 * devices holding an enrolled key can add entries. Thread-safe.
 */
final class NonceCache {

    /** What {@link #remember} found. */
    public enum Outcome { NEW, SEEN, FULL }

    private final Clock clock;
    private final Duration window;
    private final int capacity;
    /** device id + ' ' + nonce → expiry in epoch millis; insertion order is expiry order for a steady clock. */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    public NonceCache(Clock clock, Duration window, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the nonce window must be positive");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.window = window;
        this.capacity = capacity;
    }

    public Duration window() {
        return window;
    }

    public int capacity() {
        return capacity;
    }

    /** Records {@code nonce} for {@code deviceId} unless it was seen within the window. */
    public synchronized Outcome remember(String deviceId, String nonce) {
        long now = clock.millis();
        purge(now);
        String key = deviceId + ' ' + nonce;
        Long expires = seen.get(key);
        if (expires != null && expires > now) {
            return Outcome.SEEN;
        }
        if (seen.size() >= capacity) {
            purgeAll(now);
            if (seen.size() >= capacity) {
                return Outcome.FULL;
            }
        }
        seen.remove(key);
        seen.put(key, now + window.toMillis());
        return Outcome.NEW;
    }

    /** How many nonces are held (expired ones may be counted until the next call). */
    public synchronized int size() {
        return seen.size();
    }

    /** Drops expired entries from the oldest end (cheap; stops at the first live one). */
    private void purge(long now) {
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue() > now) {
                return;
            }
            it.remove();
        }
    }

    /** Drops every expired entry (for a clock that went backwards, insertion order is not expiry order). */
    private void purgeAll(long now) {
        seen.values().removeIf(expiry -> expiry <= now);
    }
}
