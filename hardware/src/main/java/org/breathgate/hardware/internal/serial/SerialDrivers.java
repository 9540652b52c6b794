package org.breathgate.hardware.internal.serial;

import java.time.Clock;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.LineProtocolConfig;

/** Builds the line-protocol driver; used by {@link org.breathgate.hardware.Breathalysers}. */
public final class SerialDrivers {
    private SerialDrivers() {
    }

    /** A driver for a device speaking the line protocol; call {@link Breathalyser#open} next. */
    public static Breathalyser lineProtocol(LineProtocolConfig config, Clock clock) {
        return new LineBreathalyser(config, clock);
    }
}
