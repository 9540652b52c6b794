package org.breathgate.hardware;

/** The device's status light. Calls return at once; blinking runs on the light's own thread. */
public interface StatusLight {
    /** Shows {@code colour} in {@code pattern}, replacing whatever was shown. */
    void show(LightColour colour, LightPattern pattern);

    default void off() {
        show(LightColour.WHITE, LightPattern.OFF);
    }
}
