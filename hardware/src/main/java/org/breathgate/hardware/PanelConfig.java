package org.breathgate.hardware;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * GPIO wiring of the device's panel (BCM numbers). Buttons connect the pin to ground and use the
 * internal pull-up, so they are active low.
 *
 * @param startButtonPin "start test" button
 * @param supportButtonPin "I need support" button
 * @param ledPins the output driving each colour; a single-colour LED maps every colour to one pin
 * @param buzzerPin output driving an active buzzer
 * @param debounce presses closer together than this count once; 50 ms by default (typical switch bounce
 *     is under 10 ms; a deliberate double press is slower than 150 ms)
 */
public record PanelConfig(int startButtonPin, int supportButtonPin, Map<LightColour, Integer> ledPins, int buzzerPin,
                          Duration debounce) {

    public PanelConfig {
        Objects.requireNonNull(ledPins, "ledPins");
        Objects.requireNonNull(debounce, "debounce");
        if (debounce.isNegative()) {
            throw new IllegalArgumentException("debounce must not be negative: " + debounce);
        }
        if (!ledPins.keySet().containsAll(Set.of(LightColour.values()))) {
            throw new IllegalArgumentException("ledPins must map every colour " + Set.of(LightColour.values())
                    + " (map them all to one pin for a single LED)");
        }
        ledPins = Map.copyOf(new EnumMap<>(ledPins));
        Set<Integer> inputs = new HashSet<>();
        for (int pin : new int[] {startButtonPin, supportButtonPin, buzzerPin}) {
            GpioInterlockConfig.requireBcmPin(pin);
            if (!inputs.add(pin)) {
                throw new IllegalArgumentException("GPIO " + pin + " is used twice in the panel configuration");
            }
        }
        for (int pin : Set.copyOf(ledPins.values())) {
            GpioInterlockConfig.requireBcmPin(pin);
            if (inputs.contains(pin)) {
                throw new IllegalArgumentException("GPIO " + pin + " drives an LED and a button or the buzzer");
            }
        }
    }

    /** A panel with one single-colour LED on {@code ledPin} and 50 ms debounce. */
    public static PanelConfig singleLed(int startButtonPin, int supportButtonPin, int ledPin, int buzzerPin) {
        Map<LightColour, Integer> leds = new EnumMap<>(LightColour.class);
        for (LightColour c : LightColour.values()) {
            leds.put(c, ledPin);
        }
        return new PanelConfig(startButtonPin, supportButtonPin, leds, buzzerPin, Duration.ofMillis(50));
    }
}
