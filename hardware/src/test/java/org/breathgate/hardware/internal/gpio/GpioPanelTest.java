package org.breathgate.hardware.internal.gpio;

import static com.pi4j.io.gpio.digital.DigitalState.HIGH;
import static com.pi4j.io.gpio.digital.DigitalState.LOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.breathgate.hardware.BeepPattern;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.DevicePanel;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.PanelConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class GpioPanelTest {

    private static final int START = 5;
    private static final int SUPPORT = 6;
    private static final int GREEN = 13;
    private static final int AMBER = 12;
    private static final int BUZZER = 19;

    private final MockPins pins = new MockPins();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T08:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final List<Button> pressed = new CopyOnWriteArrayList<>();
    private DevicePanel panel;

    @BeforeEach
    void open() throws Exception {
        Map<LightColour, Integer> leds = new EnumMap<>(LightColour.class);
        leds.put(LightColour.WHITE, GREEN);
        leds.put(LightColour.GREEN, GREEN);
        leds.put(LightColour.BLUE, GREEN);
        leds.put(LightColour.AMBER, AMBER);
        panel = Breathalysers.openPanel(new PanelConfig(START, SUPPORT, leds, BUZZER, Duration.ofMillis(50)), clock, pins.pi4j);
        panel.buttons().addListener((button, at) -> pressed.add(button));
        pins.set(START, HIGH);
        pins.set(SUPPORT, HIGH);
    }

    @AfterEach
    void close() {
        panel.close();
        pins.close();
    }

    private void press(int pin) {
        pins.set(pin, LOW);
        pins.set(pin, HIGH);
    }

    @Test
    void pressing_each_button_reports_which_one() {
        press(START);
        now.set(now.get().plusSeconds(1));
        press(SUPPORT);
        assertEquals(List.of(Button.START_TEST, Button.SUPPORT), pressed);
    }

    @Test
    void contact_bounce_within_the_debounce_time_counts_once() {
        press(SUPPORT);
        now.set(now.get().plusMillis(10));
        press(SUPPORT);
        now.set(now.get().plusMillis(100));
        press(SUPPORT);
        assertEquals(List.of(Button.SUPPORT, Button.SUPPORT), pressed);
    }

    @Test
    void steady_light_drives_only_its_colours_pin() {
        panel.light().show(LightColour.AMBER, LightPattern.STEADY);
        assertEquals(HIGH, pins.output(AMBER));
        assertEquals(LOW, pins.output(GREEN));
        panel.light().off();
        assertEquals(LOW, pins.output(AMBER));
    }

    @Test
    void fast_blinking_light_goes_on_and_off() throws Exception {
        panel.light().show(LightColour.GREEN, LightPattern.FAST_BLINK);
        assertTrue(seen(GREEN, LOW, Duration.ofSeconds(2)), "never went off");
        assertTrue(seen(GREEN, HIGH, Duration.ofSeconds(2)), "never came back on");
    }

    @Test
    void buzzer_pattern_sounds_then_falls_silent() throws Exception {
        panel.buzzer().play(BeepPattern.DONE);
        assertTrue(seen(BUZZER, HIGH, Duration.ofSeconds(1)), "never sounded");
        assertTrue(seen(BUZZER, LOW, Duration.ofSeconds(2)), "never stopped");
    }

    private boolean seen(int pin, DigitalState state, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (pins.output(pin) == state) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }
}
