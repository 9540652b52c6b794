package org.breathgate.hardware.internal.gpio;

import com.pi4j.context.Context;
import java.time.Clock;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DevicePanel;
import org.breathgate.hardware.GpioInterlockConfig;
import org.breathgate.hardware.PanelConfig;

/**
 * Builds GPIO drivers on a Pi4J context the caller owns (and shuts down after closing them); used
 * by {@link org.breathgate.hardware.Breathalysers}.
 */
public final class GpioDevices {
    private GpioDevices() {
    }

    /** An interlock driver; its pins are claimed at {@link Breathalyser#open}. */
    public static Breathalyser interlock(GpioInterlockConfig config, Clock clock, Context pi4j) {
        return new GpioInterlock(config, clock, pi4j);
    }

    /**
     * Claims the panel's pins now.
     *
     * @throws DeviceDisconnectedException if a pin cannot be claimed
     */
    public static DevicePanel panel(PanelConfig config, Clock clock, Context pi4j) throws DeviceDisconnectedException {
        try {
            return new GpioPanel(config, clock, pi4j);
        } catch (RuntimeException e) {
            throw new DeviceDisconnectedException("could not claim the panel's GPIO pins " + config + ": " + e.getMessage()
                    + "; check no other program uses them", e);
        }
    }
}
