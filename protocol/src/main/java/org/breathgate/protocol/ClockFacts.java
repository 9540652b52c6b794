package org.breathgate.protocol;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the device knew about time when it made a message. A Raspberry Pi has no real-time clock,
 * so wall-clock time alone is not trusted: the boot id and the monotonic time since boot order
 * events within one boot even when the wall clock jumps, and {@code synced} says whether the wall
 * clock had been set from the network.
 *
 * @param wall        device wall-clock time, UTC, kept to the millisecond
 * @param bootId      an id that changes at every boot of the device (Linux: {@code /proc/sys/kernel/random/boot_id})
 * @param monotonicMs milliseconds since that boot, from a clock that never jumps
 * @param synced      whether the wall clock was synchronised (e.g. NTP) when the message was made
 */
public record ClockFacts(Instant wall, String bootId, long monotonicMs, boolean synced) {

    private static final Pattern BOOT_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    public ClockFacts {
        Objects.requireNonNull(wall, "wall");
        wall = wall.truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(bootId, "bootId");
        if (!BOOT_ID.matcher(bootId).matches()) {
            throw new IllegalArgumentException("bootId must be 1-64 letters, digits or '-', was '" + bootId + "'");
        }
        if (monotonicMs < 0) {
            throw new IllegalArgumentException("monotonicMs must not be negative, was " + monotonicMs);
        }
    }
}
