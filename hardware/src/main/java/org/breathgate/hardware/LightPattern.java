package org.breathgate.hardware;

import java.time.Duration;

/** How the status light shows a colour. */
public enum LightPattern {
    OFF(Duration.ZERO, Duration.ZERO),
    STEADY(Duration.ZERO, Duration.ZERO),
    /** Calm "please wait" (warming up, sending). */
    SLOW_BLINK(Duration.ofMillis(1000), Duration.ofMillis(1000)),
    /** "Please act now" (blow now). */
    FAST_BLINK(Duration.ofMillis(250), Duration.ofMillis(250));

    private final Duration on;
    private final Duration off;

    LightPattern(Duration on, Duration off) {
        this.on = on;
        this.off = off;
    }

    /** Time lit per blink cycle; zero for patterns that do not blink. */
    public Duration on() {
        return on;
    }

    /** Time dark per blink cycle; zero for patterns that do not blink. */
    public Duration off() {
        return off;
    }

    public boolean blinks() {
        return !on.isZero();
    }
}
