package org.breathgate.hardware.internal.gpio;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creating and releasing Pi4J pins with ids unique per pin, so a closed driver can be reopened. */
final class Pins {
    private static final Logger log = LoggerFactory.getLogger(Pins.class);

    private Pins() {
    }

    static DigitalInput input(Context pi4j, List<String> ids, String name, int pin, PullResistance pull) {
        String id = name + "-" + pin;
        DigitalInput in = pi4j.create(DigitalInput.newConfigBuilder(pi4j).id(id).name(name).address(pin).pull(pull));
        ids.add(id);
        return in;
    }

    static DigitalOutput output(Context pi4j, List<String> ids, String name, int pin) {
        String id = name + "-" + pin;
        DigitalOutput out = pi4j.create(DigitalOutput.newConfigBuilder(pi4j).id(id).name(name).address(pin)
                .initial(DigitalState.LOW).shutdown(DigitalState.LOW));
        ids.add(id);
        return out;
    }

    static void release(Context pi4j, List<String> ids) {
        for (String id : ids) {
            try {
                if (pi4j.registry().exists(id)) {
                    pi4j.shutdown(id);
                }
            } catch (RuntimeException e) {
                log.warn("Could not release GPIO {}: {}", id, e.toString());
            }
        }
        ids.clear();
    }
}
