package org.breathgate.hardware;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * An interlock-style breathalyser wired to GPIO: it signals READY, PASS and FAIL on digital lines
 * and may take a START pulse. Pin numbers are BCM numbers. An interlock only knows its own
 * threshold, so its results carry no µg/L (see {@link Measurement.InterlockPass}).
 *
 * @param readyPin input, active while the device is warm and waiting for a blow
 * @param passPin input, active when the blow was below the device's threshold
 * @param failPin input, active when the blow was at or above it
 * @param startPin output pulsed to ask the device for a test; empty if it starts on its own
 * @param activeHigh whether inputs are active high (true) or pulled up and active low (false)
 * @param sensor identity of the device, from its label and calibration certificate
 * @param startPulse length of the START pulse; 200 ms by default
 */
public record GpioInterlockConfig(int readyPin, int passPin, int failPin, OptionalInt startPin, boolean activeHigh,
                                  SensorInfo sensor, Duration startPulse) implements BreathalyserConfig {

    public GpioInterlockConfig {
        Objects.requireNonNull(startPin, "startPin (use OptionalInt.empty())");
        Objects.requireNonNull(sensor, "sensor");
        LineProtocolConfig.requirePositive(startPulse, "startPulse");
        Set<Integer> seen = new HashSet<>();
        for (int pin : startPin.isPresent() ? List.of(readyPin, passPin, failPin, startPin.getAsInt())
                : List.of(readyPin, passPin, failPin)) {
            requireBcmPin(pin);
            if (!seen.add(pin)) {
                throw new IllegalArgumentException("GPIO " + pin + " is used twice in the interlock configuration");
            }
        }
    }

    static void requireBcmPin(int pin) {
        if (pin < 2 || pin > 27) {
            throw new IllegalArgumentException("GPIO " + pin + " is not a usable BCM pin (2..27)");
        }
    }
}
