package org.breathgate.hardware.internal.light;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.breathgate.hardware.LightPattern;

/**
 * Plays a {@link LightPattern} on one LED: sets it at once, then walks the pattern's steps on the
 * owner's timer thread, over and over, until {@link #stop}. Used by every light driver, so that a
 * pattern looks the same on GPIO and on the Pi's own LED. Thread-safe.
 */
public final class Blinker {

    /** Switches the LED; called on the timer thread or the caller's. */
    @FunctionalInterface
    public interface Led {
        void set(boolean lit);
    }

    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> next;
    private long generation;

    /** @param timer the owner's named daemon timer thread, which the owner shuts down */
    public Blinker(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Shows {@code pattern} on {@code led}, replacing whatever was playing. */
    public synchronized void play(Led led, LightPattern pattern) {
        stop();
        led.set(pattern != LightPattern.OFF);
        if (pattern.blinks()) {
            long mine = generation;
            schedule(led, pattern.steps(), 0, mine);
        }
    }

    private void schedule(Led led, List<Duration> steps, int index, long mine) {
        try {
            next = timer.schedule(() -> step(led, steps, (index + 1) % steps.size(), mine), steps.get(index).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            next = null; // the owner is closing
        }
    }

    private synchronized void step(Led led, List<Duration> steps, int index, long mine) {
        if (mine != generation || timer.isShutdown()) {
            return;
        }
        led.set(index % 2 == 0);
        schedule(led, steps, index, mine);
    }

    /** Stops the pattern; the LED stays as it is. */
    public synchronized void stop() {
        generation++;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }
}
