package org.breathgate.agent.prompt;

import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.StatusLight;

/**
 * What the status light shows: a prompt's light for a while after the prompt ({@link #HOLD}), then the
 * device's standing state, which the agent works out ({@code standing}: a test is due, a help request is on
 * its way or was seen, the breathalyser has a problem, or nothing to do). So a parent who comes back to the
 * device later still sees what matters, and a light never stays on a stale message. Thread-safe: prompts come
 * from the agent and test threads; {@link #refresh} runs on the agent thread.
 */
public final class LightKeeper {

    /**
     * How long a prompt's light stays before the standing state returns: two minutes, long enough to look at
     * after hearing the prompt, short enough that "recorded" or "showed alcohol" is not left on for anyone
     * who walks by later.
     */
    public static final long HOLD_MS = 120_000;

    /** One look of the light. */
    public record Light(LightColour colour, LightPattern pattern) {
        public Light {
            Objects.requireNonNull(colour, "colour");
            Objects.requireNonNull(pattern, "pattern");
        }
    }

    private final StatusLight light;
    private final LongSupplier monotonicMs;
    private final Supplier<Optional<Light>> standing;
    private Light shown;
    private long heldUntil;

    /**
     * @param monotonicMs a clock that never jumps, in milliseconds
     * @param standing    the device's standing state, asked on the agent thread; empty to leave the light as it
     *                    is (during a breath test, whose prompts follow one another)
     */
    public LightKeeper(StatusLight light, LongSupplier monotonicMs, Supplier<Optional<Light>> standing) {
        this.light = Objects.requireNonNull(light, "light");
        this.monotonicMs = Objects.requireNonNull(monotonicMs, "monotonicMs");
        this.standing = Objects.requireNonNull(standing, "standing");
    }

    /** Shows {@code look} now and holds it for {@link #HOLD_MS}, unless another prompt comes first. */
    public synchronized void show(Light look) {
        shown = look;
        heldUntil = monotonicMs.getAsLong() + HOLD_MS;
        light.show(look.colour(), look.pattern());
    }

    /** After a hold has run out, shows the standing state if it is not shown already. Agent thread. */
    public void refresh() {
        Optional<Light> now = standing.get();
        synchronized (this) {
            if (now.isEmpty() || (shown != null && monotonicMs.getAsLong() < heldUntil) || now.get().equals(shown)) {
                return;
            }
            shown = now.get();
            light.show(shown.colour(), shown.pattern());
        }
    }

    /** Ends any hold and shows the standing state now (a help request was answered, a menu closed). Agent thread. */
    public void showStanding() {
        synchronized (this) {
            heldUntil = 0;
        }
        refresh();
    }

    /** What the light shows now, or null before anything was shown. */
    public synchronized Light shown() {
        return shown;
    }
}
