package org.breathgate.hardware.internal.sysfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.breathgate.hardware.BeepPattern;
import org.breathgate.hardware.Buttons;
import org.breathgate.hardware.Buzzer;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DevicePanel;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.StatusLight;
import org.breathgate.hardware.internal.light.Blinker;
import org.breathgate.hardware.sim.SoftButtons;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raspberry Pi's own LED (its green "ACT" LED) as the status light, through the kernel's LED class
 * in sysfs: {@code <led>/trigger} (which kernel event drives it; the current one in brackets, e.g.
 * {@code none [mmc0] heartbeat}) and {@code <led>/brightness} (0 off, up to {@code max_brightness}).
 * At open the kernel's trigger is remembered and set to {@code none}, so the LED is ours; at close it
 * is given back. One colour: every pattern's rhythm shows, the colour does not.
 *
 * <p>As a panel it has no buttons of its own (the breathalyser's are used) and no buzzer (a Pi has
 * none): both exist only so the agent can treat every device alike.
 */
final class BoardLed implements DevicePanel, StatusLight, Buzzer {

    private static final Logger LOG = LoggerFactory.getLogger(BoardLed.class);

    private final Path dir;
    private final String kernelTrigger;
    private final String on;
    private final ScheduledExecutorService timer;
    private final Blinker blinker;
    private final SoftButtons buttons;
    private volatile boolean writeFailed;
    private boolean closed;

    private BoardLed(Path dir, String kernelTrigger, String on, java.time.Clock clock) {
        this.dir = dir;
        this.kernelTrigger = kernelTrigger;
        this.on = on;
        this.buttons = new SoftButtons(clock);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bg-board-led");
            t.setDaemon(true);
            return t;
        });
        this.blinker = new Blinker(timer);
    }

    /**
     * Takes the LED at {@code dir} over from the kernel.
     *
     * @throws DeviceDisconnectedException if it is not an LED folder or its files cannot be written
     */
    static BoardLed open(Path dir, java.time.Clock clock) throws DeviceDisconnectedException {
        try {
            String triggers = Files.readString(dir.resolve("trigger"), StandardCharsets.US_ASCII).strip();
            String current = currentTrigger(triggers);
            String max = Files.readString(dir.resolve("max_brightness"), StandardCharsets.US_ASCII).strip();
            if (!max.matches("[1-9][0-9]{0,5}")) {
                throw new DeviceDisconnectedException("the LED at " + dir + " says its max_brightness is '" + max + "'");
            }
            write(dir.resolve("trigger"), "none");
            write(dir.resolve("brightness"), "0");
            return new BoardLed(dir, current, max, clock);
        } catch (NoSuchFileException e) {
            throw new DeviceDisconnectedException("no LED at " + dir + " (" + e.getFile() + " is missing): set light.board to the"
                    + " LED's folder under /sys/class/leds, or to none", e);
        } catch (IOException e) {
            throw new DeviceDisconnectedException("the LED at " + dir + " cannot be driven: " + e
                    + " (the agent's user needs write access to its trigger and brightness files: docs/hardware.md, \"The Pi's own LED\")", e);
        }
    }

    /** The trigger in brackets, e.g. {@code mmc0} of {@code none [mmc0] timer}; {@code none} if none is marked. */
    static String currentTrigger(String triggers) {
        int open = triggers.indexOf('[');
        int close = triggers.indexOf(']', open + 1);
        return open >= 0 && close > open + 1 ? triggers.substring(open + 1, close) : "none";
    }

    private static void write(Path file, String value) throws IOException {
        // sysfs takes one write of the whole value; no temporary file, no fsync (it is not a disk).
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }

    private void set(boolean lit) {
        try {
            write(dir.resolve("brightness"), lit ? on : "0");
            writeFailed = false;
        } catch (IOException e) {
            if (!writeFailed) {
                LOG.warn("The status LED at {} could not be switched: {}", dir, e.toString());
                writeFailed = true;
            }
        }
    }

    @Override
    public synchronized void show(LightColour colour, LightPattern pattern) {
        if (!closed) {
            blinker.play(this::set, pattern);
        }
    }

    @Override
    public Buttons buttons() {
        return buttons;
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
    public void play(BeepPattern pattern) {
        // A Raspberry Pi has no buzzer: the light and the voice carry the prompt.
    }

    @Override
    public void silence() {
    }

    /** Turns the LED off and gives it back to the kernel's trigger it had at open. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        blinker.stop();
        timer.shutdownNow();
        set(false);
        try {
            write(dir.resolve("trigger"), kernelTrigger);
        } catch (IOException e) {
            LOG.warn("The LED at {} could not be given back to its kernel trigger {}: {}", dir, kernelTrigger, e.toString());
        }
    }
}
