package org.breathgate.agent;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.clock.TimedatectlSyncProbe;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.config.ConfigException;
import org.breathgate.agent.evidence.KeyFileException;
import org.breathgate.agent.prompt.EspeakVoice;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.LineProtocolConfig;
import org.breathgate.hardware.SerialPortConfig;
import org.breathgate.hardware.UnsupportedSensorException;
import org.breathgate.hardware.sim.SoftPanel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the agent as a daemon: {@code java -cp ... org.breathgate.agent.AgentMain
 * [--config=/etc/breathgate/agent.properties] [--key=value ...]}. Stops cleanly on SIGTERM.
 * Exit codes: 2 for a configuration problem, 3 for a key problem.
 */
public final class AgentMain {

    private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

    private AgentMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path file = AgentConfigLoader.DEFAULT_FILE;
        List<String> flags = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--config=")) {
                file = Path.of(a.substring("--config=".length()));
            } else {
                flags.add(a);
            }
        }
        AgentConfig config;
        try {
            config = AgentConfigLoader.load(file, flags);
        } catch (ConfigException e) {
            LOG.error("Cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Clock wall = Clock.systemUTC();
        Breathalyser breathalyser;
        try {
            breathalyser = Breathalysers.create(new LineProtocolConfig(SerialPortConfig.of(config.sensor().port(), config.sensor().baudRate()),
                    Duration.ofSeconds(1), 3, Duration.ofSeconds(5), Duration.ofSeconds(1)), wall);
        } catch (UnsupportedSensorException e) {
            LOG.error("Cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        // The line-protocol breathalyser carries the two buttons; light and buzzer on GPIO are not
        // wired yet (see docs/agent.md), so prompts are logged and spoken.
        SoftPanel panel = new SoftPanel(wall);
        DeviceAgent agent;
        try {
            agent = new DeviceAgent(config, new Hardware(breathalyser, panel), EspeakVoice.createOrSilent(config.voice(), config.deviceId()),
                    new SystemClockSource(wall, new TimedatectlSyncProbe(Duration.ofSeconds(60))), new SecureRandom());
        } catch (KeyFileException e) {
            LOG.error("Cannot start: {}", e.getMessage());
            breathalyser.close();
            System.exit(3);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "breathgate-shutdown"));
        agent.start();
        stopped.await();
    }
}
