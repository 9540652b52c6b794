package org.breathgate.hardware.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.StatusLight;

/** A status light that remembers what it was asked to show; for the demo and tests. */
public final class SoftStatusLight implements StatusLight {

    /** One thing shown. */
    public record Shown(LightColour colour, LightPattern pattern) {
        public Shown {
            Objects.requireNonNull(colour, "colour");
            Objects.requireNonNull(pattern, "pattern");
        }
    }

    private final List<Shown> history = new ArrayList<>();

    @Override
    public synchronized void show(LightColour colour, LightPattern pattern) {
        history.add(new Shown(colour, pattern));
    }

    /** What is shown now; off before anything was shown. */
    public synchronized Shown current() {
        return history.isEmpty() ? new Shown(LightColour.WHITE, LightPattern.OFF) : history.get(history.size() - 1);
    }

    /** Everything shown, oldest first. */
    public synchronized List<Shown> history() {
        return List.copyOf(history);
    }
}
