package org.breathgate.hardware.internal.sysfs;

import java.nio.file.Path;
import java.time.Clock;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DevicePanel;

/** Builds drivers on the kernel's sysfs files; used by {@link org.breathgate.hardware.Breathalysers}. */
public final class SysfsDevices {
    private SysfsDevices() {
    }

    /** The LED whose sysfs folder is {@code dir}, taken over from the kernel now. */
    public static DevicePanel boardLed(Path dir, Clock clock) throws DeviceDisconnectedException {
        return BoardLed.open(dir, clock);
    }
}
