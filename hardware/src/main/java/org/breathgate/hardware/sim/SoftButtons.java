package org.breathgate.hardware.sim;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.ButtonListener;
import org.breathgate.hardware.Buttons;

/** Buttons pressed by code: for the demo, tests, and a simulator's command line. */
public final class SoftButtons implements Buttons {
    private final Clock clock;
    private final List<ButtonListener> listeners = new CopyOnWriteArrayList<>();

    public SoftButtons(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Tells every listener, on the calling thread, that {@code button} was pressed now. */
    public void press(Button button) {
        Objects.requireNonNull(button, "button");
        for (ButtonListener listener : listeners) {
            listener.pressed(button, clock.instant());
        }
    }

    @Override
    public void addListener(ButtonListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(ButtonListener listener) {
        listeners.remove(listener);
    }
}
