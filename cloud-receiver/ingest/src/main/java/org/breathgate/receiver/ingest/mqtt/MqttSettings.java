package org.breathgate.receiver.ingest.mqtt;

import javax.net.ssl.SSLSocketFactory;
import java.util.Objects;

/**
 * How the receiver connects to its MQTT broker.
 *
 * @param brokerUri     {@code tcp://host:1883} or {@code ssl://host:8883}
 * @param clientId      the receiver instance's MQTT client id: stable across restarts, unique per instance,
 *                      so that the broker keeps its session (and queued messages) while it is down
 * @param username      MQTT user name, or {@code null}
 * @param password      MQTT password, or {@code null}
 * @param socketFactory TLS socket factory (trusting the broker's CA) for {@code ssl://}, or {@code null} for the JVM default
 */
public record MqttSettings(String brokerUri, String clientId, String username, String password, SSLSocketFactory socketFactory) {

    public MqttSettings {
        Objects.requireNonNull(brokerUri, "brokerUri");
        Objects.requireNonNull(clientId, "clientId");
    }

    /** Anonymous, plain TCP: for the embedded broker and tests. */
    public static MqttSettings anonymous(String brokerUri, String clientId) {
        return new MqttSettings(brokerUri, clientId, null, null, null);
    }

    @Override
    public String toString() {
        return "MqttSettings[" + brokerUri + ", clientId=" + clientId + ", user=" + username + "]";
    }
}
