package org.breathgate.hardware;

import java.time.Duration;
import java.util.List;

/**
 * How the status light shows a colour: a rhythm of on and off steps that repeats. Each rhythm is told
 * apart from the others by its shape alone, so a one-colour LED (such as the Raspberry Pi's own) says
 * as much as a coloured one, and nobody needs to tell colours apart; the colour adds to it where the
 * LED has colours. docs/agent.md says what each rhythm means to the parent.
 */
public enum LightPattern {
    OFF,
    STEADY,
    /** An even, slow blink, one second on and one off: "please do something" (a test is due, try again). */
    SLOW_BLINK(1000, 1000),
    /** An even, fast blink: "act now" (blow now). */
    FAST_BLINK(250, 250),
    /** A short flash every three seconds: "I am on, nothing to do now" (waiting, warming up). */
    HEARTBEAT(100, 2900),
    /** Two short flashes, then a pause, every two seconds: "your help request is on its way". */
    DOUBLE_FLASH(150, 150, 150, 1550),
    /** Three short flashes, then a pause, every two seconds: "the device has a problem". */
    TRIPLE_FLASH(150, 150, 150, 150, 150, 1250),
    /** On, with a short break every two seconds: "the test showed alcohol; a new test will be asked for". */
    LONG_BLINK(1700, 300);

    private final List<Duration> steps;

    LightPattern(long... millis) {
        this.steps = java.util.Arrays.stream(millis).mapToObj(Duration::ofMillis).toList();
    }

    /**
     * On, off, on, off, … durations of one cycle, starting lit; always an even count, and empty for
     * {@link #OFF} and {@link #STEADY}, which do not change.
     */
    public List<Duration> steps() {
        return steps;
    }

    /** How long one cycle takes; zero for patterns that do not blink. */
    public Duration cycle() {
        return steps.stream().reduce(Duration.ZERO, Duration::plus);
    }

    public boolean blinks() {
        return !steps.isEmpty();
    }

    /** Whether the light is lit {@code sinceStart} after the pattern began. */
    public boolean litAt(Duration sinceStart) {
        if (this == OFF) {
            return false;
        }
        if (!blinks()) {
            return true;
        }
        long t = Math.floorMod(sinceStart.toMillis(), cycle().toMillis());
        for (int i = 0; i < steps.size(); i++) {
            t -= steps.get(i).toMillis();
            if (t < 0) {
                return i % 2 == 0;
            }
        }
        return false;
    }
}
