package org.breathgate.hardware.internal.gpio;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.breathgate.hardware.BeepPattern;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.ButtonListener;
import org.breathgate.hardware.Buttons;
import org.breathgate.hardware.Buzzer;
import org.breathgate.hardware.DevicePanel;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.PanelConfig;
import org.breathgate.hardware.StatusLight;
import org.breathgate.hardware.internal.light.Blinker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buttons, LED(s) and buzzer on GPIO. Buttons are active low with pull-ups and debounced here
 * (with the injected clock) because not every Pi4J provider debounces. Blinking ({@link Blinker}) and
 * beeping run on one named daemon thread owned by the panel.
 */
final class GpioPanel implements DevicePanel, Buttons, StatusLight, Buzzer {

    private static final Logger log = LoggerFactory.getLogger(GpioPanel.class);

    private final PanelConfig config;
    private final Clock clock;
    private final Context pi4j;
    private final List<String> ids = new ArrayList<>();
    private final List<ButtonListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<Button, Instant> lastPress = new EnumMap<>(Button.class);
    private final Map<Integer, DigitalOutput> ledByPin = new LinkedHashMap<>();
    private final ScheduledExecutorService timer;
    private final Blinker blinker;
    private DigitalOutput buzzerPin;
    private final List<ScheduledFuture<?>> beeping = new ArrayList<>();

    GpioPanel(PanelConfig config, Clock clock, Context pi4j) {
        this.config = config;
        this.clock = clock;
        this.pi4j = pi4j;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bg-panel-timer");
            t.setDaemon(true);
            return t;
        });
        this.blinker = new Blinker(timer);
        try {
            button("bg-button-start", config.startButtonPin(), Button.START_TEST);
            button("bg-button-support", config.supportButtonPin(), Button.SUPPORT);
            for (int pin : config.ledPins().values().stream().distinct().sorted().toList()) {
                ledByPin.put(pin, Pins.output(pi4j, ids, "bg-led", pin));
            }
            buzzerPin = Pins.output(pi4j, ids, "bg-buzzer", config.buzzerPin());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void button(String name, int pin, Button button) {
        DigitalInput in = Pins.input(pi4j, ids, name, pin, PullResistance.PULL_UP);
        in.addListener(event -> {
            if (event.state() == DigitalState.LOW) {
                pressed(button);
            }
        });
    }

    private void pressed(Button button) {
        Instant now = clock.instant();
        synchronized (lastPress) {
            Instant previous = lastPress.get(button);
            if (previous != null && Duration.between(previous, now).compareTo(config.debounce()) < 0) {
                return;
            }
            lastPress.put(button, now);
        }
        for (ButtonListener listener : listeners) {
            try {
                listener.pressed(button, now);
            } catch (RuntimeException e) {
                log.error("Button listener failed on {}", button, e);
            }
        }
    }

    @Override
    public Buttons buttons() {
        return this;
    }

    @Override
    public StatusLight light() {
        return this;
    }

    @Override
    public Buzzer buzzer() {
        return this;
    }

    @Override
    public void addListener(ButtonListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(ButtonListener listener) {
        listeners.remove(listener);
    }

    @Override
    public synchronized void show(LightColour colour, LightPattern pattern) {
        blinker.stop();
        ledByPin.values().forEach(DigitalOutput::low);
        if (pattern == LightPattern.OFF) {
            return;
        }
        DigitalOutput led = ledByPin.get(config.ledPins().get(colour));
        blinker.play(lit -> led.state(lit ? DigitalState.HIGH : DigitalState.LOW), pattern);
    }

    @Override
    public synchronized void play(BeepPattern pattern) {
        silence();
        long at = 0;
        List<Duration> steps = pattern.steps();
        for (int i = 0; i < steps.size(); i++) {
            boolean on = i % 2 == 0;
            beeping.add(timer.schedule(() -> buzzerPin.state(on ? DigitalState.HIGH : DigitalState.LOW), at, TimeUnit.MILLISECONDS));
            at += steps.get(i).toMillis();
        }
        beeping.add(timer.schedule(() -> buzzerPin.low(), at, TimeUnit.MILLISECONDS));
    }

    @Override
    public synchronized void silence() {
        beeping.forEach(f -> f.cancel(false));
        beeping.clear();
        if (buzzerPin != null) {
            buzzerPin.low();
        }
    }

    @Override
    public synchronized void close() {
        blinker.stop();
        timer.shutdownNow();
        ledByPin.values().forEach(DigitalOutput::low);
        silence();
        listeners.clear();
        Pins.release(pi4j, ids);
    }
}
