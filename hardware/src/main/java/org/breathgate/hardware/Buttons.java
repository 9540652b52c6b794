package org.breathgate.hardware;

/** The device's buttons, as a source of presses (debounced by the implementation). */
public interface Buttons {
    void addListener(ButtonListener listener);

    void removeListener(ButtonListener listener);
}
