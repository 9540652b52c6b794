package org.breathgate.protocol;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Which sensor measured, so a worker can tell readings of a replaced or overdue sensor apart.
 *
 * @param model          the sensor's model name
 * @param serialNumber   its serial number
 * @param calibrationDue the date its calibration runs out, or {@code null} when the sensor does not say
 */
public record SensorFacts(String model, String serialNumber, LocalDate calibrationDue) {
    public SensorFacts {
        model = Texts.check("model", model, 64);
        serialNumber = Texts.check("serialNumber", serialNumber, 64);
    }

    /** Whether calibration had run out on {@code day}; false when the due date is unknown. */
    public boolean calibrationOverdueOn(LocalDate day) {
        Objects.requireNonNull(day, "day");
        return calibrationDue != null && day.isAfter(calibrationDue);
    }
}
