package org.breathgate.receiver.ingest.deviceapi;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The nonces of signed device requests seen within {@link #window()}, in memory, bounded per device. A nonce is
 * remembered per device from the moment a request carrying it was verified. Since requests are only
 * accepted with an {@code iat} within ±10 minutes and nonces are remembered for 20, a request can
 * never be replayed while the receiver runs (after a restart the cache is empty; the {@code iat} window
 * still limits a replay to those 10 minutes, and both endpoints are idempotent).
 *
 * <p>When a device holds {@link #capacity()} live nonces, its new ones are refused ({@link #remember} returns
 * {@link Outcome#FULL}) rather than forgetting live ones, which would open a replay window. The bound is each device's
 * own: one device (holding an enrolled key, since only verified requests add entries) that floods the endpoint fills
 * only its own share and never locks the other devices out. Memory is at most enrolled devices × capacity. Thread-safe.
 */
final class NonceCache {

    /** What {@link #remember} found. */
    public enum Outcome { NEW, SEEN, FULL }

    private final Clock clock;
    private final Duration window;
    private final int capacity;
    /** device id → (nonce → expiry in epoch millis); insertion order is expiry order for a steady clock. */
    private final Map<String, LinkedHashMap<String, Long>> seen = new HashMap<>();

    /** @param capacity the most live nonces one device may hold */
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

    /** The most live nonces one device may hold. */
    public int capacity() {
        return capacity;
    }

    /** Records {@code nonce} for {@code deviceId} unless it was seen within the window. */
    public synchronized Outcome remember(String deviceId, String nonce) {
        long now = clock.millis();
        LinkedHashMap<String, Long> device = seen.computeIfAbsent(deviceId, d -> new LinkedHashMap<>());
        purge(device, now);
        Long expires = device.get(nonce);
        if (expires != null && expires > now) {
            return Outcome.SEEN;
        }
        if (device.size() >= capacity) {
            device.values().removeIf(expiry -> expiry <= now); // a clock that went backwards: insertion order is not expiry order
            if (device.size() >= capacity) {
                return Outcome.FULL;
            }
        }
        device.remove(nonce);
        device.put(nonce, now + window.toMillis());
        if (seen.size() > 1024) {
            // Devices that went quiet: drop their expired nonces, and them, now and then.
            seen.values().forEach(d -> purge(d, now));
            seen.values().removeIf(Map::isEmpty);
        }
        return Outcome.NEW;
    }

    /** How many live nonces are held for every device together. */
    public synchronized int size() {
        long now = clock.millis();
        return (int) seen.values().stream().flatMap(d -> d.values().stream()).filter(expiry -> expiry > now).count();
    }

    /** Drops expired entries from the oldest end (cheap; stops at the first live one). */
    private static void purge(LinkedHashMap<String, Long> device, long now) {
        Iterator<Map.Entry<String, Long>> it = device.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue() > now) {
                return;
            }
            it.remove();
        }
    }
}
