package org.breathgate.agent.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Notices when the wall clock moves differently from the monotonic clock: between two looks, wall
 * time should advance as much as monotonic time. A difference larger than the tolerance is a jump
 * (an NTP step after boot, a technician setting the date, tampering). Not thread-safe; one owner.
 */
public final class ClockJumpDetector {

    /** A wall-clock jump: where wall time was expected to be, and where it was. */
    public record Jump(Instant expected, Instant actual) {
        public Jump {
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(actual, "actual");
        }

        /** How far the wall clock moved beyond monotonic time; negative for a jump back. */
        public Duration size() {
            return Duration.between(expected, actual);
        }
    }

    private final Duration tolerance;
    private Instant lastWall;
    private long lastMono;

    /**
     * @param tolerance how much wall and monotonic time may drift apart between two looks before it
     *                  counts as a jump. NTP slews at most 0.5 ms/s, so even a few seconds is far
     *                  beyond any honest drift between one-second ticks.
     */
    public ClockJumpDetector(Duration tolerance) {
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
    }

    /** Records a look at both clocks; returns the jump since the previous look, if any. */
    public Optional<Jump> observe(Instant wall, long monotonicMs) {
        Optional<Jump> jump = Optional.empty();
        if (lastWall != null) {
            Instant expected = lastWall.plusMillis(monotonicMs - lastMono);
            if (Duration.between(expected, wall).abs().compareTo(tolerance) > 0) {
                jump = Optional.of(new Jump(expected, wall));
            }
        }
        lastWall = wall;
        lastMono = monotonicMs;
        return jump;
    }
}
