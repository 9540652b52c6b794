package org.breathgate.hardware;

import java.time.Duration;
import java.util.List;

/**
 * Sounds the buzzer can make, as alternating on/off durations starting with on. Short and soft by
 * design: the device lives in a family home.
 */
public enum BeepPattern {
    /** Acknowledges a button press. */
    CLICK(List.of(Duration.ofMillis(40))),
    /** "Blow now". */
    BLOW_NOW(List.of(Duration.ofMillis(150), Duration.ofMillis(100), Duration.ofMillis(150))),
    /** The test is done and recorded. */
    DONE(List.of(Duration.ofMillis(400))),
    /** Something needs attention (retest due, device fault). */
    ATTENTION(List.of(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100),
            Duration.ofMillis(100), Duration.ofMillis(100)));

    private final List<Duration> steps;

    BeepPattern(List<Duration> steps) {
        this.steps = steps;
    }

    /** On, off, on, … durations; always an odd count so it ends silent after the last step. */
    public List<Duration> steps() {
        return steps;
    }

    /** Total time the pattern takes. */
    public Duration length() {
        return steps.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
