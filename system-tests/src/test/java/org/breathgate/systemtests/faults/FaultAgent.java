package org.breathgate.systemtests.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.clock.ClockSource;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.config.ConfigException;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.outbox.OutboxStats;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.testkit.TestKeys;

/**
 * A real device agent ({@link DeviceAgent}: schedule, signing, SQLite outbox, MQTT publisher) in this
 * JVM, with a fake breathalyser that answers at once, so that readings flow fast. A "parent" thread
 * presses the start button every few milliseconds while {@link #startTesting} is on. Each agent has its
 * own data folder; its key is {@link TestKeys#device(String)}.
 */
public final class FaultAgent implements AutoCloseable {

    public final String deviceId;
    private final DeviceAgent agent;
    private volatile boolean testing;
    private Thread parent;

    private FaultAgent(String deviceId, DeviceAgent agent) {
        this.deviceId = deviceId;
        this.agent = agent;
    }

    /** Settings for a lab agent: fast reconnects, short keep-alive and ack timeout, so faults heal within seconds. */
    public static Map<String, String> settings(Path dir, String deviceId, String mqttUri, VerificationKey receiverKey) throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc-" + deviceId));
        Path keyFile = etc.resolve("device.key");
        if (!Files.exists(keyFile)) {
            DeviceKeyFile.write(keyFile, TestKeys.device(deviceId));
        }
        Path receiverPem = etc.resolve("receiver-1.pem");
        Files.writeString(receiverPem, receiverKey.toPem());
        Map<String, String> m = new HashMap<>();
        m.put("device.id", deviceId);
        m.put("key.file", keyFile.toString());
        m.put("receiver.key.1", receiverPem.toString());
        m.put("data.dir", dir.resolve("data-" + deviceId).toString());
        m.put("mqtt.uri", mqttUri);
        m.put("mqtt.backoff.initial.ms", "100");
        m.put("mqtt.backoff.max.s", "1");
        m.put("mqtt.ack.timeout.s", "3");
        m.put("mqtt.keepalive.s", "5");
        m.put("mqtt.connect.timeout.s", "2");
        m.put("tick.ms", "50");
        m.put("voice", "false");
        m.put("language", "en");
        return m;
    }

    /**
     * Adds the device's broker login to {@code settings}: its password in a file, the user name and client id its device id
     * (by default), as enrollment leaves them; for a broker that knows devices by their login.
     */
    public static Map<String, String> withLogin(Map<String, String> settings, Path dir, String password) throws IOException {
        Path file = Files.writeString(Files.createDirectories(dir.resolve("etc-" + settings.get("device.id"))).resolve("mqtt-password"),
                password + "\n");
        settings.put("mqtt.password.file", file.toString());
        return settings;
    }

    public static FaultAgent start(Map<String, String> settings) throws Exception {
        return start(settings, new SystemClockSource(Clock.systemUTC(), () -> true));
    }

    public static FaultAgent start(Map<String, String> settings, ClockSource clock) throws Exception {
        return start(settings, clock, new FakeBreathalyser(Clock.systemUTC()));
    }

    /** With a breathalyser the caller scripts (e.g. {@code thenMeasures(250)} for positives). */
    public static FaultAgent start(Map<String, String> settings, ClockSource clock, FakeBreathalyser breathalyser) throws Exception {
        DeviceAgent agent;
        try {
            agent = new DeviceAgent(AgentConfigLoader.fromMap(settings), new Hardware(breathalyser,
                    new SoftPanel(Clock.systemUTC())), Voice.silent(), clock, new Random());
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        agent.start();
        return new FaultAgent(settings.get("device.id"), agent);
    }

    /** The parent presses "start test" every {@code every} (a test already running ignores the press). */
    public synchronized void startTesting(Duration every) {
        testing = true;
        parent = new Thread(() -> {
            while (testing) {
                agent.requestTest();
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "parent-" + deviceId);
        parent.setDaemon(true);
        parent.start();
    }

    /** Stops pressing, and waits for a test in progress to be stored. */
    public synchronized void stopTesting() throws InterruptedException {
        testing = false;
        if (parent != null) {
            parent.join(5_000);
        }
        Thread.sleep(200);
    }

    /** Evidence events this agent has made: the highest sequence number assigned. */
    public long made() {
        return agent.outboxStats().lastSeq();
    }

    public OutboxStats outbox() {
        return agent.outboxStats();
    }

    /** Waits until the receiver has acked everything the agent made (the outbox is empty). */
    public void awaitDrained(Duration timeout, String why) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (agent.outboxStats().depth() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(deviceId + ": the outbox did not drain " + why + " within " + timeout.toSeconds() + " s: " + agent.outboxStats()
                + " " + agent.status().publisher());
    }

    /** Runs one test now, as the start button does, and returns the stored reading (empty if none within {@code timeout}). */
    public java.util.Optional<org.breathgate.protocol.Reading> runTestNow(Duration timeout) throws InterruptedException {
        return agent.runTestNow(timeout);
    }

    /** The agent's status (outbox, publisher, configuration version, warnings). */
    public org.breathgate.agent.AgentStatus status() {
        return agent.status();
    }

    @Override
    public void close() throws InterruptedException {
        stopTesting();
        agent.close();
    }
}
