package org.breathgate.hardware;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class BreathalysersTest {

    private static final SensorInfo SENSOR = new SensorInfo("DFRobot SEN0376", "A1", Optional.empty(), Optional.empty());

    static FrameModuleConfig module(String fullScalePpm) {
        return new FrameModuleConfig(SerialPortConfig.of("/dev/ttyAMA0", 9600), SENSOR, new BigDecimal(fullScalePpm), BigDecimal.ONE,
                PpmConversion.breath(), FrameModuleConfig.DEFAULT_MINIMUM_FULL_SCALE, Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofMillis(100), Duration.ofMillis(300), 3);
    }

    @Test
    void a_gas_module_whose_range_cannot_cover_breath_alcohol_is_refused_with_the_range_it_needs() {
        UnsupportedSensorException e = assertThrows(UnsupportedSensorException.class,
                () -> Breathalysers.create(module("5"), Clock.systemUTC()));
        assertTrue(e.getMessage().contains("5 ppm = 9 µg/L"), e.getMessage());
        assertTrue(e.getMessage().contains("at least 548 ppm"), e.getMessage());
    }

    @Test
    void a_gas_module_with_enough_range_is_accepted() throws Exception {
        try (Breathalyser b = Breathalysers.create(module("1000"), Clock.systemUTC())) {
            assertThrows(IllegalStateException.class, b::sensorInfo);
        }
    }

    @Test
    void a_gpio_interlock_needs_a_pi4j_context() {
        GpioInterlockConfig gpio = new GpioInterlockConfig(17, 27, 22, OptionalInt.empty(), true, SENSOR, Duration.ofMillis(200));
        assertThrows(IllegalArgumentException.class, () -> Breathalysers.create(gpio, Clock.systemUTC()));
    }
}
