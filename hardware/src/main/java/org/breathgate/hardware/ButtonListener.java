package org.breathgate.hardware;

import java.time.Instant;

/**
 * Told of each press. Called on the port's own thread: return quickly and hand work elsewhere.
 */
@FunctionalInterface
public interface ButtonListener {
    void pressed(Button button, Instant at);
}
