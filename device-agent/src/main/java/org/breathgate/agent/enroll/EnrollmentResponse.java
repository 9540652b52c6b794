package org.breathgate.agent.enroll;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.VerificationKey;

/**
 * The receiver's answer to a successful enrollment (HTTP 201), checked field by field: a response
 * that fails any check is refused as a whole and nothing is written.
 *
 * @param deviceId      the id the receiver gave this device
 * @param keyId         the kid of the key just enrolled, {@code <deviceId>:<n>}
 * @param brokerUri     {@code ssl://host:port} (or {@code tcp://} in a lab)
 * @param mqttUsername  MQTT user name
 * @param mqttPassword  MQTT password
 * @param brokerCaPem   PEM certificate(s) the broker's certificate chains to
 * @param receiverKeys  the receiver's verification keys, kids {@code receiver:N}; at least one
 * @param config        the first signed configuration (compact JWS), if the receiver sends one
 */
public record EnrollmentResponse(String deviceId, KeyId keyId, URI brokerUri, String mqttUsername, String mqttPassword,
                                 String brokerCaPem, List<VerificationKey> receiverKeys, Optional<String> config) {

    public EnrollmentResponse {
        DeviceIds.check(deviceId);
        Objects.requireNonNull(keyId, "keyId");
        if (!keyId.owner().equals(deviceId)) {
            throw new IllegalArgumentException("kid " + keyId + " is not a key of device " + deviceId);
        }
        Objects.requireNonNull(brokerUri, "brokerUri");
        if (!("ssl".equals(brokerUri.getScheme()) || "tcp".equals(brokerUri.getScheme())) || brokerUri.getHost() == null
                || brokerUri.getPort() < 1) {
            throw new IllegalArgumentException("broker_uri must be ssl://host:port, was " + brokerUri);
        }
        Objects.requireNonNull(mqttUsername, "mqttUsername");
        Objects.requireNonNull(mqttPassword, "mqttPassword");
        if (mqttUsername.isBlank() || mqttPassword.isBlank()) {
            throw new IllegalArgumentException("mqtt_username and mqtt_password must not be empty");
        }
        if (mqttPassword.contains("\n")) {
            throw new IllegalArgumentException("mqtt_password must be one line");
        }
        Objects.requireNonNull(brokerCaPem, "brokerCaPem");
        receiverKeys = List.copyOf(receiverKeys);
        if (receiverKeys.isEmpty()) {
            throw new IllegalArgumentException("receiver_keys must hold at least one key");
        }
        for (VerificationKey k : receiverKeys) {
            if (!k.keyId().isReceiver()) {
                throw new IllegalArgumentException("receiver key " + k.keyId() + " must have a kid receiver:N");
            }
        }
        Objects.requireNonNull(config, "config");
    }
}
