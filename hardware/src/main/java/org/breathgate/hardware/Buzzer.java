package org.breathgate.hardware;

/** The device's buzzer. {@link #play} returns at once; a new pattern replaces one still playing. */
public interface Buzzer {
    void play(BeepPattern pattern);

    /** Stops any pattern and silences the buzzer. */
    void silence();
}
