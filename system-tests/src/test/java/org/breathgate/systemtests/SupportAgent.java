package org.breathgate.systemtests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.prompt.Speech;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.testkit.TestKeys;

/**
 * A real device agent for the support-loop system tests: the simulator's breathalyser and panel, logged in to the broker
 * as its device (login password in {@code dir/mqtt-password}, as the receiver issued it), speaking English into a
 * {@link RecordedVoice}. Its key is made once per folder, so an agent started again in the same folder is the same device.
 */
final class SupportAgent {

    private SupportAgent() {
    }

    /** What the agent said aloud, as the speech engine would be given it. */
    static final class RecordedVoice implements Voice {

        final List<String> said = new CopyOnWriteArrayList<>();

        @Override
        public void say(Speech speech) {
            said.add(speech.text());
        }

        @Override
        public boolean audible() {
            return true;
        }

        @Override
        public void close() {
        }

        /** Whether any sentence said so far contains {@code sentence}. */
        boolean heard(String sentence) {
            return said.stream().anyMatch(s -> s.contains(sentence));
        }
    }

    /**
     * Starts the agent of {@code deviceId} with its data in {@code dir}.
     *
     * @param extra agent settings added to (or replacing) the test defaults
     */
    static DeviceAgent start(Path dir, String deviceId, int brokerPort, String receiverKeyPem, SoftPanel panel, RecordedVoice voice,
                             Map<String, String> extra) throws Exception {
        Path keyFile = dir.resolve("device.key");
        if (!Files.exists(keyFile)) {
            DeviceKeyFile.write(keyFile, TestKeys.device(deviceId));
        }
        Path receiverKey = Files.writeString(dir.resolve("receiver-1.pem"), receiverKeyPem);
        Map<String, String> s = new HashMap<>();
        s.put("device.id", deviceId);
        s.put("key.file", keyFile.toString());
        s.put("receiver.key.1", receiverKey.toString());
        s.put("data.dir", dir.resolve("device").toString());
        s.put("mqtt.uri", "tcp://127.0.0.1:" + brokerPort);
        // The device logs in as itself (the broker refuses anonymous clients): the login the receiver made for it.
        s.put("mqtt.username", deviceId);
        s.put("mqtt.password.file", dir.resolve("mqtt-password").toString());
        s.put("mqtt.backoff.initial.ms", "100");
        s.put("mqtt.backoff.max.s", "1");
        s.put("mqtt.ack.timeout.s", "3");
        s.put("mqtt.connect.timeout.s", "3");
        s.put("tick.ms", "50");
        s.put("language", "en");
        s.put("voice", "true");
        s.putAll(extra);
        DeviceAgent agent = new DeviceAgent(AgentConfigLoader.fromMap(s),
                new Hardware(new FakeBreathalyser(Clock.systemUTC()).thenMeasures(0), panel, Optional.empty()), voice,
                new SystemClockSource(Clock.systemUTC(), () -> true), new Random(1));
        agent.start();
        return agent;
    }
}
