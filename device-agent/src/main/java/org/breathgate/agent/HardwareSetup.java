package org.breathgate.agent;

import com.pi4j.context.Context;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Objects;
import java.util.function.Supplier;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.prompt.ParentSettings;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DevicePanel;
import org.breathgate.hardware.UnsupportedSensorException;
import org.breathgate.hardware.camera.Camera;
import org.breathgate.hardware.sim.SoftPanel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hardware a configuration asks for: the breathalyser driver ({@code sensor.driver}) and the
 * panel ({@code panel=gpio} or none), with the Pi4J context they need, built only when something
 * uses GPIO. The agent closes the breathalyser and panel; {@link #close()} then shuts the Pi4J
 * context down (Pi4J releases its native resources only then).
 */
final class HardwareSetup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HardwareSetup.class);

    private final Hardware hardware;
    private final Context pi4j;

    private HardwareSetup(Hardware hardware, Context pi4j) {
        this.hardware = hardware;
        this.pi4j = pi4j;
    }

    /**
     * Builds the drivers for {@code config}. Nothing is opened yet except the panel's pins, which
     * are claimed here.
     *
     * @param pi4j makes the Pi4J context; asked only when the configuration uses GPIO. On a Pi it is
     *             {@code Pi4J::newAutoContext} (the gpiod plugin on the class path); tests give the mock platform
     * @throws UnsupportedSensorException if the configured gas module cannot measure breath alcohol trustworthily
     * @throws DeviceDisconnectedException if the panel's pins cannot be claimed, or the LED {@code light.board} names
     *     cannot be driven
     */
    static HardwareSetup open(AgentConfig config, Clock clock, Supplier<Context> pi4j)
            throws UnsupportedSensorException, DeviceDisconnectedException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Context context = config.usesGpio() ? Objects.requireNonNull(pi4j.get(), "Pi4J context") : null;
        Breathalyser breathalyser = null;
        try {
            breathalyser = context == null ? Breathalysers.create(config.breathalyser(), clock)
                    : Breathalysers.create(config.breathalyser(), clock, context);
            // Without a GPIO panel the breathalyser's own buttons are the buttons; prompts are spoken, and
            // shown on the Pi's own LED (or, on a computer without one, on a panel that logs them).
            DevicePanel panel = config.panel().isPresent() ? Breathalysers.openPanel(config.panel().get(), clock, context)
                    : boardLed(config.parent(), clock);
            return new HardwareSetup(new Hardware(breathalyser, panel, config.photo().camera()
                    .map(c -> Camera.command(c, clock))), context);
        } catch (UnsupportedSensorException | DeviceDisconnectedException | RuntimeException e) {
            if (breathalyser != null) {
                breathalyser.close();
            }
            if (context != null) {
                context.shutdown();
            }
            throw e;
        }
    }

    /**
     * The Pi's own LED as the status light ({@code light.board}). One that {@code auto} found but cannot drive
     * (no write access yet) is logged and left alone; one named explicitly must work.
     */
    private static DevicePanel boardLed(ParentSettings parent, Clock clock) throws DeviceDisconnectedException {
        Optional<Path> led = parent.boardLedFolder();
        if (led.isEmpty()) {
            return new SoftPanel(clock);
        }
        try {
            return Breathalysers.openBoardLed(led.get(), clock);
        } catch (DeviceDisconnectedException e) {
            if (!parent.boardLed().equals("auto")) {
                throw e;
            }
            LOG.warn("The status light cannot use the Pi's own LED: {}", e.getMessage());
            return new SoftPanel(clock);
        }
    }

    /** The breathalyser and panel, for {@link DeviceAgent}, which then owns and closes them. */
    Hardware hardware() {
        return hardware;
    }

    /** Shuts the Pi4J context down, if one was made. Call after the agent has closed. */
    @Override
    public void close() {
        if (pi4j != null) {
            pi4j.shutdown();
        }
    }
}
