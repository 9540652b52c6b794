package org.breathgate.hardware;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One completed measurement.
 *
 * @param measurement what the device measured
 * @param blowDuration how long the person blew, when the device measures it
 * @param sensorTemperatureCelsius sensor temperature when the device reports it (tenths of a degree)
 * @param completedAt when the driver received the result, from the driver's {@link java.time.Clock}
 * @param sensor the sensor that measured
 */
public record BreathResult(Measurement measurement, Optional<Duration> blowDuration, Optional<BigDecimal> sensorTemperatureCelsius,
                           Instant completedAt, SensorInfo sensor) {

    /** Upper bound of any plausible reading (≈ 10 ‰ blood alcohol); larger numbers are corrupt data. */
    public static final int MAX_MICROGRAMS_PER_LITRE = 5000;

    public BreathResult {
        Objects.requireNonNull(measurement, "measurement");
        Objects.requireNonNull(blowDuration, "blowDuration (use Optional.empty())");
        Objects.requireNonNull(sensorTemperatureCelsius, "sensorTemperatureCelsius (use Optional.empty())");
        Objects.requireNonNull(completedAt, "completedAt");
        Objects.requireNonNull(sensor, "sensor");
        blowDuration.ifPresent(d -> {
            if (d.isNegative() || d.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("blow duration out of range 0..60 s: " + d);
            }
        });
        sensorTemperatureCelsius.ifPresent(t -> {
            if (t.compareTo(BigDecimal.valueOf(-40)) < 0 || t.compareTo(BigDecimal.valueOf(125)) > 0) {
                throw new IllegalArgumentException("sensor temperature out of range -40..125 °C: " + t);
            }
        });
    }

    /**
     * The exact µg/L when the device measured a number; empty for interlocks (they only know
     * pass/fail) and for {@link Measurement.OverRange}, whose value is only a lower bound.
     */
    public OptionalInt microgramsPerLitre() {
        return measurement instanceof Measurement.Exact m ? OptionalInt.of(m.microgramsPerLitre()) : OptionalInt.empty();
    }
}
