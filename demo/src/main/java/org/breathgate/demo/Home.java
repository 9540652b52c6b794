package org.breathgate.demo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.cli.AgentCli;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.config.ConfigException;
import org.breathgate.agent.evidence.KeyFileException;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.UnsupportedSensorException;
import org.breathgate.hardware.sim.Scenario;
import org.breathgate.hardware.sim.SimulatedBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.hardware.sim.SoftStatusLight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated home: a breathalyser simulator on a socat pseudo-terminal, a device agent enrolled with the
 * receiver by the technician's own {@code breathgate-agent setup}, its network link, and the parent, who watches
 * the device's light and presses the breathalyser's start button as the story says.
 */
final class Home implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Home.class);

    private enum Phase { NORMAL, WAITING_TO_MISS, MISSING, OFFLINE }

    private final Story story;
    private final Path dir;
    private final DemoSettings settings;
    private final Consumer<String> say;
    private final SimulatedBreathalyser sim;
    private LinkSwitch link;
    private DeviceAgent agent;
    private SoftStatusLight light;
    private ScheduledExecutorService parent;
    private boolean closed;

    // Parent thread only.
    private Phase phase;
    private Instant pressAt;
    private Instant missedAt;
    private Instant lateTestAt;
    private Instant restoreAt;

    private Home(Story story, Path dir, DemoSettings settings, Consumer<String> say, SimulatedBreathalyser sim) {
        this.story = story;
        this.dir = dir;
        this.settings = settings;
        this.say = say;
        this.sim = sim;
        this.phase = story == Story.MISSES_AND_OFFLINE ? Phase.WAITING_TO_MISS : Phase.NORMAL;
    }

    /** Plugs in the home's simulated breathalyser (a new pseudo-terminal each run). */
    static Home plugIn(Story story, Path dir, DemoSettings settings, Consumer<String> say) throws IOException {
        Scenario scenario = story.scenario().withTiming(settings.realisticBlows() ? Scenario.Timing.realistic() : Scenario.Timing.fast());
        SimulatedBreathalyser sim = SimulatedBreathalyser.start(scenario, Files.createDirectories(dir.resolve("pty")));
        return new Home(story, dir, settings, say, sim);
    }

    Story story() {
        return story;
    }

    private Path configFile() {
        return dir.resolve("etc/agent.properties");
    }

    boolean enrolled() {
        return Files.exists(configFile());
    }

    /** The technician's setup, from flags as a script would run it: tests the sensor, makes the key, enrolls. */
    void enroll(URI receiver, String fingerprint, String code) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = AgentCli.execute(new String[] {"setup", "--config-dir", dir.resolve("etc").toString(), "--data-dir",
            dir.resolve("var").toString(), "--service-user=", "--driver", "line", "--port", sim.portPath(), "--panel", "none",
            "--receiver", receiver.toString(), "--fingerprint", fingerprint, "--code", code, "--timeout=10"},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        LOG.info("setup of {}'s device (exit {}):\n{}", story.person(), exit, text);
        if (exit != 0) {
            throw new IllegalStateException("setting up " + story.person() + "'s device failed (exit " + exit + "):\n" + text);
        }
    }

    /** The device id the receiver gave at enrollment. */
    String deviceId() {
        try {
            return AgentConfigLoader.load(configFile(), List.of("--sensor.port=" + sim.portPath())).deviceId();
        } catch (ConfigException e) {
            throw new IllegalStateException(configFile() + ": " + e.getMessage(), e);
        }
    }

    /** Starts the link, the agent (from the files setup wrote, with the demo's overrides) and the parent. */
    synchronized void start(int brokerTlsPort) throws ConfigException, KeyFileException, UnsupportedSensorException {
        if (closed) {
            throw new IllegalStateException(story.person() + "'s home was stopped before it started");
        }
        link = LinkSwitch.open(story.folder(), brokerTlsPort);
        AgentConfig config = AgentConfigLoader.load(configFile(), List.of(
                "--mqtt.uri=ssl://127.0.0.1:" + link.port(), // the home's own link, which the demo can cut
                "--sensor.port=" + sim.portPath(),            // a new pseudo-terminal each run
                "--voice=false",                              // three homes talking at once helps nobody
                "--schedule.minute.ms=" + settings.scheduleMinute().toMillis(),
                "--tick.ms=" + Math.max(10, Math.min(1000, settings.scheduleMinute().toMillis() / 4)),
                "--mqtt.backoff.max.s=3"));                   // back online promptly when the link returns
        SoftPanel panel = new SoftPanel(Clock.systemUTC());
        light = panel.light();
        agent = new DeviceAgent(config, new Hardware(Breathalysers.create(config.breathalyser(), Clock.systemUTC()), panel),
                Voice.silent(), new SystemClockSource(Clock.systemUTC(), () -> true), new SecureRandom());
        agent.start();
        parent = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-parent-" + story.folder());
            t.setDaemon(true);
            return t;
        });
        parent.scheduleWithFixedDelay(this::watchLight, 200, 100, TimeUnit.MILLISECONDS);
    }

    DeviceAgent agent() {
        return agent;
    }

    boolean online() {
        return link != null && link.up();
    }

    SimulatedBreathalyser simulator() {
        return sim;
    }

    /** The parent looks at the device: blue blinking asks for a test. */
    private void watchLight() {
        try {
            Instant now = Instant.now();
            SoftStatusLight.Shown shown = light.current();
            boolean asked = shown != null && shown.colour() == LightColour.BLUE && shown.pattern() == LightPattern.SLOW_BLINK;
            boolean missedPrompt = shown != null && shown.colour() == LightColour.AMBER && shown.pattern() == LightPattern.SLOW_BLINK;
            switch (phase) {
                case WAITING_TO_MISS:
                    if (asked) {
                        say.accept(story.person() + " does not test this time: the window will close without a test");
                        phase = Phase.MISSING;
                    }
                    return;
                case MISSING:
                    if (missedPrompt) {
                        missedAt = missedAt == null ? now : missedAt;
                        // Let the missed test reach the receiver first, then the link drops.
                        if (agent.outboxStats().depth() == 0 || now.isAfter(missedAt.plusSeconds(10))) {
                            link.cut();
                            say.accept(story.person() + "'s mobile link drops: the device keeps each reading in its outbox");
                            lateTestAt = now.plus(settings.minutes(DemoSettings.LATE_TEST_AFTER_MIN));
                            restoreAt = now.plus(settings.minutes(settings.offlineMinutes()));
                            phase = Phase.OFFLINE;
                        }
                    }
                    return;
                case OFFLINE:
                    if (lateTestAt != null && !now.isBefore(lateTestAt)) {
                        say.accept(story.person() + " tests late, still offline");
                        sim.pressButton(Button.START_TEST);
                        lateTestAt = null;
                        return;
                    }
                    if (!now.isBefore(restoreAt)) {
                        link.restore();
                        say.accept(story.person() + "'s link is back: the device sends what waited in its outbox");
                        phase = Phase.NORMAL;
                        return;
                    }
                    respond(asked, now);
                    return;
                default:
                    respond(asked, now);
            }
        } catch (RuntimeException e) {
            LOG.warn("the demo parent of {} stumbled: {}", story.person(), e.toString());
        }
    }

    private void respond(boolean asked, Instant now) {
        if (!asked) {
            pressAt = null;
            return;
        }
        if (pressAt == null) {
            pressAt = now.plus(settings.minutes(DemoSettings.REACTION_MIN));
        } else if (!now.isBefore(pressAt)) {
            sim.pressButton(Button.START_TEST);
            // Pressed; if the light still asks a while later, press again.
            pressAt = now.plus(settings.minutes(DemoSettings.REACTION_MIN)).plus(Duration.ofSeconds(5));
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (parent != null) {
            parent.shutdownNow();
            try {
                parent.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (agent != null) {
            agent.close();
        }
        sim.close();
        if (link != null) {
            link.close();
        }
    }
}
