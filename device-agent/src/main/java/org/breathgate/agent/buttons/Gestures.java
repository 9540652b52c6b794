package org.breathgate.agent.buttons;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.breathgate.agent.clock.AgentTimer;
import org.breathgate.hardware.Button;

/**
 * Turns button presses into {@link Gesture}s: the help button at once; the test button once, or twice when
 * the second press comes within {@code doublePress} of the first (so a single press takes effect that much
 * later). Used on the agent thread only.
 */
public final class Gestures {

    private final AgentTimer timer;
    private final Duration doublePress;
    private final Consumer<Gesture> out;
    private AgentTimer.Scheduled pendingOnce;

    /**
     * @param doublePress the longest gap between the two presses of a double press; 700 ms by default, a little
     *                    longer than a computer's double click (500 ms), for hands that are slower or shaking
     * @param out         told of each gesture, on the agent thread
     */
    public Gestures(AgentTimer timer, Duration doublePress, Consumer<Gesture> out) {
        this.timer = Objects.requireNonNull(timer, "timer");
        this.doublePress = Objects.requireNonNull(doublePress, "doublePress");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** A press of {@code button} (debounced by the panel). */
    public void pressed(Button button) {
        if (button == Button.SUPPORT) {
            out.accept(Gesture.HELP);
            return;
        }
        if (pendingOnce != null) {
            pendingOnce.cancel();
            pendingOnce = null;
            out.accept(Gesture.TEST_TWICE);
            return;
        }
        pendingOnce = timer.after(doublePress, () -> {
            pendingOnce = null;
            out.accept(Gesture.TEST_ONCE);
        });
    }
}
