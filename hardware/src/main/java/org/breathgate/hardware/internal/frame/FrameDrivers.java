package org.breathgate.hardware.internal.frame;

import java.time.Clock;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.FrameModuleConfig;
import org.breathgate.hardware.UnsupportedSensorException;

/** Builds the 9-byte-frame driver; used by {@link org.breathgate.hardware.Breathalysers}. */
public final class FrameDrivers {
    private FrameDrivers() {
    }

    /**
     * A driver for a polled gas module; call {@link Breathalyser#open} next.
     *
     * @throws UnsupportedSensorException if the module's full scale is below the configured minimum:
     *     it would report "over range" for readings that matter, or worse, saturate unnoticed
     */
    public static Breathalyser gasModule(FrameModuleConfig config, Clock clock) throws UnsupportedSensorException {
        int fullScale = config.fullScaleMicrogramsPerLitre();
        if (fullScale < config.minimumFullScaleMicrogramsPerLitre()) {
            throw new UnsupportedSensorException("gas module " + config.sensor().model() + " measures up to "
                    + config.fullScalePpm().toPlainString() + " ppm = " + fullScale + " µg/L breath, below the required "
                    + config.minimumFullScaleMicrogramsPerLitre() + " µg/L; it cannot measure breath alcohol at levels that "
                    + "matter. Use a module with a range of at least "
                    + minimumPpm(config) + " ppm");
        }
        return new FrameBreathalyser(config, clock);
    }

    private static String minimumPpm(FrameModuleConfig config) {
        return java.math.BigDecimal.valueOf(config.minimumFullScaleMicrogramsPerLitre())
                .divide(config.conversion().microgramsPerLitrePerPpm(), 0, java.math.RoundingMode.CEILING).toPlainString();
    }
}
