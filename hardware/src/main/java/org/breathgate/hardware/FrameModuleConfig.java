package org.breathgate.hardware;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * An electrochemical gas module speaking 9-byte frames (Winsen ZE family, DFRobot SEN0376 and
 * alike) in polled ("question and answer") mode. Such modules cannot tell their range or identity,
 * and have no flow sensor, so these come from here.
 *
 * @param port the serial port; these modules speak 9600 baud
 * @param sensor the identity printed on the module and its calibration certificate
 * @param fullScalePpm the module's full-scale range in ppm ethanol, from its datasheet
 * @param ppmPerCount the value of one count in the reply (1 for integer ppm, 0.01 for two decimals)
 * @param conversion ppm → µg/L breath; {@link PpmConversion#breath()} unless you know better
 * @param minimumFullScaleMicrogramsPerLitre the smallest full scale accepted; 1000 µg/L by default,
 *     about 2.2 ‰ blood alcohol, well above Finland's aggravated drink-driving limit (530 µg/L), so
 *     that readings of concern are numbers, not "over range"
 * @param warmUp how long after power-on the module needs before its readings are valid (datasheet
 *     preheat time)
 * @param sampleWindow how long a test samples; the result is the peak over the window
 * @param pollInterval time between reads in the window
 * @param replyTimeout how long to wait for one reply before asking again
 * @param attempts how many times a read is tried before the test ends in an error
 */
public record FrameModuleConfig(SerialPortConfig port, SensorInfo sensor, BigDecimal fullScalePpm, BigDecimal ppmPerCount,
                                PpmConversion conversion, int minimumFullScaleMicrogramsPerLitre, Duration warmUp,
                                Duration sampleWindow, Duration pollInterval, Duration replyTimeout, int attempts)
        implements BreathalyserConfig {

    /** Default for {@link #minimumFullScaleMicrogramsPerLitre}; the reason is given there. */
    public static final int DEFAULT_MINIMUM_FULL_SCALE = 1000;

    public FrameModuleConfig {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(fullScalePpm, "fullScalePpm");
        Objects.requireNonNull(ppmPerCount, "ppmPerCount");
        Objects.requireNonNull(conversion, "conversion");
        if (fullScalePpm.signum() <= 0) {
            throw new IllegalArgumentException("fullScalePpm must be positive: " + fullScalePpm);
        }
        if (ppmPerCount.signum() <= 0) {
            throw new IllegalArgumentException("ppmPerCount must be positive: " + ppmPerCount);
        }
        if (fullScalePpm.divide(ppmPerCount, java.math.MathContext.DECIMAL64).compareTo(BigDecimal.valueOf(65535)) > 0) {
            throw new IllegalArgumentException("fullScalePpm / ppmPerCount exceeds the 16-bit reply (65535 counts)");
        }
        if (minimumFullScaleMicrogramsPerLitre < 1 || minimumFullScaleMicrogramsPerLitre > BreathResult.MAX_MICROGRAMS_PER_LITRE) {
            throw new IllegalArgumentException("minimumFullScaleMicrogramsPerLitre out of range: " + minimumFullScaleMicrogramsPerLitre);
        }
        Objects.requireNonNull(warmUp, "warmUp");
        if (warmUp.isNegative()) {
            throw new IllegalArgumentException("warmUp must not be negative: " + warmUp);
        }
        LineProtocolConfig.requirePositive(sampleWindow, "sampleWindow");
        LineProtocolConfig.requirePositive(pollInterval, "pollInterval");
        LineProtocolConfig.requirePositive(replyTimeout, "replyTimeout");
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException("attempts must be 1..10: " + attempts);
        }
    }

    /** The full scale in µg/L breath, by {@link #conversion}. */
    public int fullScaleMicrogramsPerLitre() {
        return conversion.toMicrogramsPerLitre(fullScalePpm);
    }
}
