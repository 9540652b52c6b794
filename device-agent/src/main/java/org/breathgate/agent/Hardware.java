package org.breathgate.agent;

import java.util.Objects;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.DevicePanel;

/**
 * The device's hardware as the agent uses it: a breathalyser (not yet opened) and the parent's
 * panel. The agent takes ownership and closes both when it stops.
 */
public record Hardware(Breathalyser breathalyser, DevicePanel panel) {
    public Hardware {
        Objects.requireNonNull(breathalyser, "breathalyser");
        Objects.requireNonNull(panel, "panel");
    }
}
