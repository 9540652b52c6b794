package org.breathgate.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class RecordsTest {

    private static final SensorInfo SENSOR = new SensorInfo("X1", "SN1", Optional.empty(), Optional.of(LocalDate.of(2027, 1, 31)));

    private static BreathResult result(Measurement measurement) {
        return new BreathResult(measurement, Optional.of(Duration.ofSeconds(3)), Optional.of(new BigDecimal("34.2")), Instant.EPOCH, SENSOR);
    }

    @Test
    void a_measured_result_carries_its_exact_micrograms() {
        assertEquals(OptionalInt.of(450), result(new Measurement.Exact(450)).microgramsPerLitre());
    }

    @Test
    void an_interlock_result_has_no_micrograms() {
        assertEquals(OptionalInt.empty(), result(new Measurement.InterlockFail()).microgramsPerLitre());
    }

    @Test
    void an_over_range_result_is_not_reported_as_a_number() {
        assertEquals(OptionalInt.empty(), result(new Measurement.OverRange(2000)).microgramsPerLitre());
    }

    @Test
    void impossible_readings_cannot_be_built() {
        assertThrows(IllegalArgumentException.class, () -> new Measurement.Exact(-1));
        assertThrows(IllegalArgumentException.class, () -> new Measurement.Exact(BreathResult.MAX_MICROGRAMS_PER_LITRE + 1));
        assertThrows(IllegalArgumentException.class, () -> new BreathResult(new Measurement.Exact(0), Optional.of(Duration.ofMinutes(5)),
                Optional.empty(), Instant.EPOCH, SENSOR));
    }

    @Test
    void a_sensor_needs_a_model_and_serial_number() {
        assertThrows(IllegalArgumentException.class, () -> new SensorInfo(" ", "SN1", Optional.empty(), Optional.empty()));
        assertThrows(NullPointerException.class, () -> new SensorInfo("X1", null, Optional.empty(), Optional.empty()));
    }

    @Test
    void calibration_is_overdue_only_after_its_due_date() {
        assertFalse(SENSOR.calibrationOverdue(LocalDate.of(2027, 1, 31)));
        assertTrue(SENSOR.calibrationOverdue(LocalDate.of(2027, 2, 1)));
    }

    @Test
    void configuration_with_a_pin_used_twice_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> PanelConfig.singleLed(5, 5, 13, 19));
        assertThrows(IllegalArgumentException.class, () -> new GpioInterlockConfig(17, 17, 22, OptionalInt.empty(), true, SENSOR,
                Duration.ofMillis(200)));
    }

    @Test
    void serial_port_needs_a_standard_baud_rate() {
        assertThrows(IllegalArgumentException.class, () -> SerialPortConfig.of("/dev/ttyUSB0", 9601));
    }
}
