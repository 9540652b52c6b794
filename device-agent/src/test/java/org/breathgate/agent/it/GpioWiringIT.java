package org.breathgate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.breathgate.agent.AgentDaemon;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.testkit.MosquittoBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's wiring of GPIO from configuration, on Pi4J's mock platform (there is no Pi here): a
 * GPIO interlock as the breathalyser and the panel's buttons, light and buzzer on pins. Pressing the
 * mock help button once, and nothing more, sends a signed support request for help now when the spoken menu
 * ends; closing the daemon shuts the Pi4J context down.
 */
@Timeout(60)
class GpioWiringIT {

    private static final String DEVICE = "home-gpio-1";

    @TempDir
    Path dir;

    @Test
    void one_press_of_the_help_button_on_gpio_and_nothing_more_sends_a_request_for_help_now_and_the_light_is_driven() throws Exception {
        Context pi4j = Pi4J.newContextBuilder().add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
        AtomicBoolean asked = new AtomicBoolean();
        try (MosquittoBroker broker = MosquittoBroker.start(); TestReceiver receiver = new TestReceiver(broker.uri(), DEVICE)) {
            Map<String, String> s = AgentFixture.settings(dir, DEVICE, broker.uri());
            s.putAll(Map.of("sensor.driver", "gpio-interlock", "sensor.model", "Interlock X1", "sensor.serial", "IX-1",
                    "interlock.ready.pin", "17", "interlock.pass.pin", "27", "interlock.fail.pin", "22",
                    "interlock.active.high", "true")); // mock inputs start LOW: inactive, as a healthy idle interlock
            s.putAll(Map.of("panel", "gpio", "panel.start.pin", "5", "panel.support.pin", "6", "panel.led.pin", "13", "panel.buzzer.pin", "19"));
            s.put("help.menu.step.ms", "300"); // the menu's seven steps pass in about two seconds
            AgentConfig config = AgentFixture.config(s);
            try (AgentDaemon daemon = AgentDaemon.start(config, () -> {
                asked.set(true);
                return pi4j;
            }, new SystemClockSource(Clock.systemUTC(), () -> true), Voice.silent())) {
                input(pi4j, 6).mockState(DigitalState.HIGH); // released: pulled up
                Thread.sleep(100);
                input(pi4j, 6).mockState(DigitalState.LOW); // pressed
                receiver.await(() -> receiver.stored(DEVICE).size() == 1, Duration.ofSeconds(20), "the support request");
                SupportRequest request = assertInstanceOf(SupportRequest.class, receiver.events(DEVICE).get(0));
                assertEquals(SupportNeed.HELP_NOW, request.need(), "nobody chose: the most urgent");
                assertEquals(false, request.needChosen());
                receiver.await(() -> output(pi4j, 13).state() == DigitalState.HIGH, Duration.ofSeconds(5),
                        "the status light on GPIO 13 to show the request on its way");
            }
            assertEquals(true, asked.get(), "the daemon asked for a Pi4J context");
            assertEquals(0, pi4j.registry().all().size(), "closing the daemon released every pin");
        } finally {
            pi4j.shutdown();
        }
    }

    private static MockDigitalInput input(Context pi4j, int pin) {
        return pi4j.registry().all().values().stream()
                .filter(io -> io instanceof MockDigitalInput m && m.address().intValue() == pin)
                .map(MockDigitalInput.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no input on GPIO " + pin + ": " + pi4j.registry().all().keySet()));
    }

    private static DigitalOutput output(Context pi4j, int pin) {
        return pi4j.registry().all().values().stream()
                .filter(io -> io instanceof DigitalOutput o && o.address().intValue() == pin)
                .map(DigitalOutput.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no output on GPIO " + pin));
    }
}
