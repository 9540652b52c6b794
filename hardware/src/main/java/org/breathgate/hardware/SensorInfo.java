package org.breathgate.hardware;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * Who measured: the sensor's model and serial number, its firmware when the device reports one,
 * and the date its calibration falls due when known.
 */
public record SensorInfo(String model, String serialNumber, Optional<String> firmware, Optional<LocalDate> calibrationDue) {

    public SensorInfo {
        model = requireText(model, "model");
        serialNumber = requireText(serialNumber, "serialNumber");
        Objects.requireNonNull(firmware, "firmware (use Optional.empty())");
        Objects.requireNonNull(calibrationDue, "calibrationDue (use Optional.empty())");
        firmware.ifPresent(f -> requireText(f, "firmware"));
    }

    /** Whether the calibration due date is known and before {@code today}. */
    public boolean calibrationOverdue(LocalDate today) {
        return calibrationDue.map(today::isAfter).orElse(false);
    }

    static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        if (trimmed.length() > 64) {
            throw new IllegalArgumentException(name + " is longer than 64 characters: " + trimmed);
        }
        return trimmed;
    }
}
