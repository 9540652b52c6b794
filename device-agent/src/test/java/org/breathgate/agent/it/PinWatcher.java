package org.breathgate.agent.it;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches one output pin of Pi4J's mock platform, as an eye watches an LED: samples it every few milliseconds
 * and tells the rhythm it shows, so a test can say "this light flashed twice, then paused" and not only "it was on".
 */
final class PinWatcher {

    private PinWatcher() {
    }

    /** On and off stretches (ms, positive for lit, negative for dark) seen on {@code pin} over {@code watch}. */
    static List<Long> stretches(Context pi4j, int pin, Duration watch) throws InterruptedException {
        DigitalOutput out = output(pi4j, pin);
        List<Long> stretches = new ArrayList<>();
        long end = System.nanoTime() + watch.toNanos();
        boolean lit = out.state() == DigitalState.HIGH;
        long since = System.nanoTime();
        while (System.nanoTime() < end) {
            boolean now = out.state() == DigitalState.HIGH;
            if (now != lit) {
                long ms = (System.nanoTime() - since) / 1_000_000;
                stretches.add(lit ? ms : -ms);
                lit = now;
                since = System.nanoTime();
            }
            Thread.sleep(3);
        }
        long ms = (System.nanoTime() - since) / 1_000_000;
        stretches.add(lit ? ms : -ms);
        return stretches;
    }

    /** Whether {@code pin} is lit, without a break, for the whole of {@code watch}. */
    static boolean steady(Context pi4j, int pin, Duration watch) throws InterruptedException {
        List<Long> s = stretches(pi4j, pin, watch);
        return s.size() == 1 && s.get(0) > 0;
    }

    /**
     * Whether {@code pin} shows two short flashes then a long pause, over and over (LightPattern.DOUBLE_FLASH: 150 ms on,
     * 150 off, 150 on, 1550 off), with room for a busy machine's timing.
     */
    static boolean doubleFlash(Context pi4j, int pin) throws InterruptedException {
        List<Long> s = stretches(pi4j, pin, Duration.ofMillis(4500));
        for (int i = 0; i + 3 < s.size(); i++) {
            if (shortOn(s.get(i)) && shortOff(s.get(i + 1)) && shortOn(s.get(i + 2)) && s.get(i + 3) < -1000) {
                return true;
            }
        }
        return false;
    }

    private static boolean shortOn(long ms) {
        return ms > 0 && ms < 600;
    }

    private static boolean shortOff(long ms) {
        return ms < 0 && ms > -600;
    }

    static DigitalOutput output(Context pi4j, int pin) {
        return pi4j.registry().all().values().stream()
                .filter(io -> io instanceof DigitalOutput o && o.address().intValue() == pin)
                .map(DigitalOutput.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no output on GPIO " + pin));
    }
}
