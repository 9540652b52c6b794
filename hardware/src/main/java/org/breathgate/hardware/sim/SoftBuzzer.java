package org.breathgate.hardware.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.breathgate.hardware.BeepPattern;
import org.breathgate.hardware.Buzzer;

/** A buzzer that remembers what it played; for the demo and tests. */
public final class SoftBuzzer implements Buzzer {
    private final List<BeepPattern> played = new ArrayList<>();

    @Override
    public synchronized void play(BeepPattern pattern) {
        played.add(Objects.requireNonNull(pattern, "pattern"));
    }

    @Override
    public void silence() {
        // Nothing sounds, so there is nothing to stop; silence is not recorded as a pattern.
    }

    /** Patterns played, oldest first. */
    public synchronized List<BeepPattern> played() {
        return List.copyOf(played);
    }
}
