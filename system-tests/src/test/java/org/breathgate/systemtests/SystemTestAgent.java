package org.breathgate.systemtests;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.prompt.Speech;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.camera.Camera;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.systemtests.faults.FaultAgent;

/**
 * A real device agent for the system tests: the simulator's breathalyser (always sober) and panel, logged in to the broker
 * as its device (login password in {@code dir/mqtt-password}, as the receiver issued it), speaking English into a
 * {@link RecordedVoice} or silent. Its key is made once per folder, so an agent started again in the same folder is the
 * same device.
 */
final class SystemTestAgent {

    private SystemTestAgent() {
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
     * Starts the agent of {@code deviceId} with its data in {@code dir}, speaking into {@code voice}.
     *
     * @param extra agent settings added to (or replacing) the test defaults
     */
    static DeviceAgent start(Path dir, String deviceId, int brokerPort, String receiverKeyPem, SoftPanel panel, RecordedVoice voice,
                             Map<String, String> extra) throws Exception {
        Map<String, String> s = settings(dir, deviceId, brokerPort, receiverKeyPem);
        s.put("voice", "true");
        s.putAll(extra);
        return start(AgentConfigLoader.fromMap(s), panel, Optional.empty(), voice);
    }

    /**
     * The lab defaults of the agent of {@code deviceId} with its data in {@code dir} ({@link FaultAgent#settings}: its key,
     * made on first use, the receiver's key, short back-offs and timeouts, English, no voice), logged in to the broker on
     * {@code brokerPort} as its device with the password in {@code dir/mqtt-password}.
     */
    static Map<String, String> settings(Path dir, String deviceId, int brokerPort, String receiverKeyPem) throws IOException {
        Map<String, String> s = FaultAgent.settings(dir, deviceId, "tcp://127.0.0.1:" + brokerPort,
                VerificationKey.fromPem(KeyId.receiver(1), receiverKeyPem));
        // The device logs in as itself (the broker refuses anonymous clients): the login the receiver made for it.
        s.put("mqtt.username", deviceId);
        s.put("mqtt.password.file", dir.resolve("mqtt-password").toString());
        return s;
    }

    /** Starts an agent of {@code config} on a sober simulated breathalyser, {@code panel} and {@code camera}. */
    static DeviceAgent start(AgentConfig config, SoftPanel panel, Optional<Camera> camera, Voice voice) throws Exception {
        DeviceAgent agent = new DeviceAgent(config, new Hardware(new FakeBreathalyser(Clock.systemUTC()).thenMeasures(0), panel, camera),
                voice, new SystemClockSource(Clock.systemUTC(), () -> true), new Random(1));
        agent.start();
        return agent;
    }
}
