package org.breathgate.hardware.sim;

import java.time.Clock;
import org.breathgate.hardware.DevicePanel;

/** A panel in memory: {@link SoftButtons} to press, a light and buzzer that record. */
public final class SoftPanel implements DevicePanel {
    private final SoftButtons buttons;
    private final SoftStatusLight light = new SoftStatusLight();
    private final SoftBuzzer buzzer = new SoftBuzzer();

    public SoftPanel(Clock clock) {
        this.buttons = new SoftButtons(clock);
    }

    @Override
    public SoftButtons buttons() {
        return buttons;
    }

    @Override
    public SoftStatusLight light() {
        return light;
    }

    @Override
    public SoftBuzzer buzzer() {
        return buzzer;
    }

    @Override
    public void close() {
        light.off();
    }
}
