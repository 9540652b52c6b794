package org.breathgate.hardware;

import com.pi4j.context.Context;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.breathgate.hardware.internal.frame.FrameDrivers;
import org.breathgate.hardware.internal.gpio.GpioDevices;
import org.breathgate.hardware.internal.serial.SerialDrivers;
import org.breathgate.hardware.internal.serial.SerialLink;
import org.breathgate.hardware.internal.sysfs.SysfsDevices;

/** The one way to get a driver: give it the typed configuration, then {@link Breathalyser#open} it. */
public final class Breathalysers {
    private Breathalysers() {
    }

    /**
     * A driver for a serial breathalyser.
     *
     * @throws UnsupportedSensorException if the configured sensor cannot measure breath alcohol
     *     trustworthily (see {@link FrameModuleConfig#minimumFullScaleMicrogramsPerLitre})
     * @throws IllegalArgumentException for a GPIO configuration: use the overload with a Pi4J context
     */
    public static Breathalyser create(BreathalyserConfig config, Clock clock) throws UnsupportedSensorException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        if (config instanceof LineProtocolConfig line) {
            return SerialDrivers.lineProtocol(line, clock);
        }
        if (config instanceof FrameModuleConfig frame) {
            return FrameDrivers.gasModule(frame, clock);
        }
        throw new IllegalArgumentException("a GPIO interlock needs a Pi4J context: use create(config, clock, context)");
    }

    /** A driver for any configuration; {@code pi4j} is used only for GPIO and stays the caller's to shut down. */
    public static Breathalyser create(BreathalyserConfig config, Clock clock, Context pi4j) throws UnsupportedSensorException {
        Objects.requireNonNull(pi4j, "pi4j");
        if (config instanceof GpioInterlockConfig gpio) {
            return GpioDevices.interlock(gpio, Objects.requireNonNull(clock, "clock"), pi4j);
        }
        return create(config, clock);
    }

    /**
     * The device's buttons, light and buzzer on GPIO; pins are claimed now and released by
     * {@link DevicePanel#close}.
     */
    public static DevicePanel openPanel(PanelConfig config, Clock clock, Context pi4j) throws DeviceDisconnectedException {
        return GpioDevices.panel(Objects.requireNonNull(config, "config"), Objects.requireNonNull(clock, "clock"),
                Objects.requireNonNull(pi4j, "pi4j"));
    }

    /**
     * The Raspberry Pi's own LED as the device's status light, for a device without a GPIO panel: the
     * LED class folder {@code ledDirectory} (e.g. {@code /sys/class/leds/ACT}; {@code led0} on older
     * kernels) is taken over from its kernel trigger now and given back by {@link DevicePanel#close}.
     * The panel has one single-colour light (patterns show, colours do not), no buttons of its own and
     * a buzzer that makes no sound.
     *
     * @throws DeviceDisconnectedException if the folder is not an LED or its files cannot be written
     */
    public static DevicePanel openBoardLed(Path ledDirectory, Clock clock) throws DeviceDisconnectedException {
        return SysfsDevices.boardLed(Objects.requireNonNull(ledDirectory, "ledDirectory"), Objects.requireNonNull(clock, "clock"));
    }

    /** Serial ports the operating system lists (pseudo-terminals are not among them), for a setup tool. */
    public static List<String> listSerialPorts() {
        return SerialLink.listPorts();
    }
}
