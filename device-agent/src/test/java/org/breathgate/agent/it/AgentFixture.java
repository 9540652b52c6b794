package org.breathgate.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.AgentConfigLoader;
import org.breathgate.agent.config.ConfigException;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.testkit.TestKeys;

/** Files and configuration for an agent under test: its key (0600), the receiver's public key, a data folder. */
public final class AgentFixture {

    private AgentFixture() {
    }

    /**
     * Settings for {@code deviceId} talking to {@code brokerUri}, with fast reconnects and ack
     * resends so tests stay short; {@code extra} overrides any of them.
     */
    public static Map<String, String> settings(Path dir, String deviceId, String brokerUri) throws IOException {
        Path keys = Files.createDirectories(dir.resolve("etc"));
        Path keyFile = keys.resolve(deviceId + ".key");
        if (!Files.exists(keyFile)) {
            DeviceKeyFile.write(keyFile, TestKeys.device(deviceId));
        }
        Path receiverKey = keys.resolve("receiver-1.pem");
        Files.writeString(receiverKey, TestKeys.receiver().verificationKey().toPem());
        Map<String, String> m = new HashMap<>();
        m.put("device.id", deviceId);
        m.put("key.file", keyFile.toString());
        m.put("receiver.key.1", receiverKey.toString());
        m.put("data.dir", dir.resolve("data-" + deviceId).toString());
        m.put("mqtt.uri", brokerUri);
        m.put("mqtt.backoff.initial.ms", "100");
        m.put("mqtt.backoff.max.s", "1");
        m.put("mqtt.ack.timeout.s", "3");
        m.put("mqtt.keepalive.s", "5");
        m.put("mqtt.connect.timeout.s", "3");
        m.put("tick.ms", "50");
        m.put("voice", "false");
        m.put("language", "en");
        m.put("light.board", "none"); // whatever LEDs the machine running the tests has, leave them alone
        return m;
    }

    public static AgentConfig config(Map<String, String> settings) {
        try {
            return AgentConfigLoader.fromMap(settings);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
