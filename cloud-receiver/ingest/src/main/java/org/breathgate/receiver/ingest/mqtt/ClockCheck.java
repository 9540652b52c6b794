package org.breathgate.receiver.ingest.mqtt;

import org.breathgate.protocol.ClockFacts;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Time checked at the door: does a device's wall clock agree with the receiver's? Every verified message carries the
 * device's wall time, boot id and monotonic time ({@link ClockFacts}). Within one boot, {@code wall − mono} is the boot's
 * start by the device's wall clock, and {@code receivedAt − mono} is a start no earlier than the true one (a message cannot
 * arrive before it was made); the smallest of those over the boot is the best bound the receiver has. So:
 * <ul>
 *   <li><b>ahead</b>: the device's boot start is later than the receiver's bound by more than the tolerance: its clock runs
 *       ahead (a message dated in the future is the simplest case). Certain, whatever the delays on the way;</li>
 *   <li><b>jumped</b>: the boot start by wall time moved by more than the tolerance since the boot's first message: the wall
 *       clock was set (forward or back) while the device ran, and every later message of that boot carries it.</li>
 * </ul>
 * A clock set back <em>before</em> a boot's first message cannot be told from a device that was offline since boot; the
 * device itself notices that (it keeps its last wall/monotonic pair across reboots and reports a {@code clock_jump}).
 * Only messages whose device says its clock was synchronised are judged: an unsynchronised clock is already filed by
 * receive time. Kept in memory per device (the latest boot only); a restart starts afresh. Not thread-safe: ingest's
 * callback thread owns it.
 */
final class ClockCheck {

    /** Devices remembered at most; the oldest are forgotten beyond it. */
    static final int DEVICES = 100_000;

    private final Duration tolerance;
    private final Map<String, Boot> boots = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boot> eldest) {
            return size() > DEVICES;
        }
    };

    /** What the receiver knows of one device's current boot. */
    private static final class Boot {
        final String bootId;
        /** Boot start by the device's wall clock, as its first message of the boot said (epoch ms). */
        final long wallStart;
        /** The latest the boot can have started, by receive times (epoch ms). */
        long receivedBound;

        Boot(String bootId, long wallStart, long receivedBound) {
            this.bootId = bootId;
            this.wallStart = wallStart;
            this.receivedBound = receivedBound;
        }
    }

    /** @param tolerance how far the clocks may disagree before a message is flagged */
    ClockCheck(Duration tolerance) {
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
    }

    /**
     * Looks at one verified message of {@code deviceId}; returns why its clock is not believed, or null.
     *
     * @param clock      the message's clock facts
     * @param receivedAt when the receiver got it
     */
    String check(String deviceId, ClockFacts clock, Instant receivedAt) {
        long wallStart = clock.wall().toEpochMilli() - clock.monotonicMs();
        long bound = receivedAt.toEpochMilli() - clock.monotonicMs();
        Boot boot = boots.get(deviceId);
        if (boot == null || !boot.bootId.equals(clock.bootId())) {
            boot = new Boot(clock.bootId(), wallStart, bound);
            boots.put(deviceId, boot);
        } else {
            boot.receivedBound = Math.min(boot.receivedBound, bound);
        }
        if (!clock.synced()) {
            return null;
        }
        long ahead = wallStart - boot.receivedBound;
        if (ahead > tolerance.toMillis()) {
            return "ahead: the device clock was at least " + seconds(ahead) + " s ahead of the receiver's (tolerance "
                    + tolerance.toSeconds() + " s)";
        }
        long moved = wallStart - boot.wallStart;
        if (Math.abs(moved) > tolerance.toMillis()) {
            return "jumped: since this boot's first message the device clock moved " + (moved > 0 ? "forward" : "back") + " by "
                    + seconds(Math.abs(moved)) + " s against its monotonic clock (tolerance " + tolerance.toSeconds() + " s)";
        }
        return null;
    }

    private static long seconds(long millis) {
        return millis / 1000;
    }
}
