package org.breathgate.agent.cli;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.BreathalyserConfig;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.FrameModuleConfig;
import org.breathgate.hardware.GpioInterlockConfig;
import org.breathgate.hardware.HardwareException;
import org.breathgate.hardware.LineProtocolConfig;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.TestEvent;
import org.breathgate.hardware.UnsupportedSensorException;

/** Opens the configured breathalyser directly (when the agent is not holding it): self-test and one test. */
final class SensorCheck {

    private SensorCheck() {
    }

    /** Opens, self-tests and closes the breathalyser; returns what it says it is. */
    static SensorInfo selfTest(BreathalyserConfig config) {
        return withSensor(config, b -> {
        }, true);
    }

    /** Opens the breathalyser, runs one test (prompts via {@code progress}) and returns its ending. */
    static TestEvent.Terminal runOnce(BreathalyserConfig config, Duration warmUp, Duration timeout, Consumer<TestEvent> progress) {
        TestEvent.Terminal[] end = new TestEvent.Terminal[1];
        withSensor(config, b -> {
            b.awaitReady(warmUp);
            end[0] = b.runTest(timeout, progress);
        }, true);
        return end[0];
    }

    private interface SensorAction {
        void run(Breathalyser b) throws HardwareException, InterruptedException;
    }

    private static SensorInfo withSensor(BreathalyserConfig config, SensorAction action, boolean selfTest) {
        Context pi4j = config instanceof GpioInterlockConfig ? Pi4J.newAutoContext() : null;
        try {
            Breathalyser b = pi4j == null ? Breathalysers.create(config, Clock.systemUTC())
                    : Breathalysers.create(config, Clock.systemUTC(), pi4j);
            try (b) {
                b.open(Duration.ofSeconds(10));
                if (selfTest) {
                    b.selfTest(Duration.ofSeconds(10));
                }
                action.run(b);
                return b.sensorInfo();
            }
        } catch (UnsupportedSensorException e) {
            throw new CliException(Exit.HARDWARE, e.getMessage(), e);
        } catch (DeviceDisconnectedException e) {
            throw new CliException(Exit.HARDWARE, explainOpenFailure(config, e), e);
        } catch (HardwareException e) {
            throw new CliException(Exit.HARDWARE, "the breathalyser on " + where(config) + " did not pass its self-test: "
                    + e.getMessage() + ". Check its cable and power, and that the driver (" + driverName(config) + ") matches the device.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Exit.HARDWARE, "interrupted while testing the breathalyser", e);
        } finally {
            if (pi4j != null) {
                pi4j.shutdown();
            }
        }
    }

    private static String explainOpenFailure(BreathalyserConfig config, DeviceDisconnectedException e) {
        String port = port(config);
        if (port != null && Files.exists(Path.of(port))) {
            List<String> holders = holders(Path.of(port));
            if (!holders.isEmpty()) {
                return "the serial port " + port + " is busy: " + String.join(", ", holders) + " has it open. If that is the"
                        + " agent, stop it first (sudo systemctl stop breathgate-agent) or use 'breathgate-agent test', which"
                        + " asks the running agent.";
            }
            if (!Files.isReadable(Path.of(port)) || !Files.isWritable(Path.of(port))) {
                return "this user may not open the serial port " + port + ": add it to the dialout group"
                        + " (sudo usermod -aG dialout $USER) or run with sudo.";
            }
        }
        return e.getMessage();
    }

    /** Processes other than this one that have {@code device} open, as "process 1234 (socat)". Needs root to see others. */
    static List<String> holders(Path device) {
        Set<String> out = new LinkedHashSet<>();
        Path real;
        try {
            real = device.toRealPath();
        } catch (IOException e) {
            return List.of();
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (Files.readSymbolicLink(fd).equals(real)) {
                                String name = Files.readString(proc.resolve("comm")).strip();
                                out.add("process " + pid + " (" + name + ")");
                                break;
                            }
                        } catch (IOException e) {
                            // the descriptor closed meanwhile
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // not ours to look at, or gone
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return new ArrayList<>(out);
    }

    static String port(BreathalyserConfig config) {
        if (config instanceof LineProtocolConfig l) {
            return l.port().path();
        }
        if (config instanceof FrameModuleConfig f) {
            return f.port().path();
        }
        return null;
    }

    static String where(BreathalyserConfig config) {
        String port = port(config);
        if (port != null) {
            return port;
        }
        GpioInterlockConfig g = (GpioInterlockConfig) config;
        return "GPIO " + g.readyPin() + "/" + g.passPin() + "/" + g.failPin();
    }

    static String driverName(BreathalyserConfig config) {
        return config instanceof LineProtocolConfig ? "line" : config instanceof FrameModuleConfig ? "frame" : "gpio-interlock";
    }
}
