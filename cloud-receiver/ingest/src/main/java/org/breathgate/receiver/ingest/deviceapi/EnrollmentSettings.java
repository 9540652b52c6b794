package org.breathgate.receiver.ingest.deviceapi;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.breathgate.protocol.VerificationKey;

/**
 * What the receiver tells enrolling devices, and how codes behave.
 *
 * @param receiverUrl     {@code https://host:port} as devices reach this receiver: goes into the enrollment line
 * @param deviceBrokerUri the broker URI devices use ({@code ssl://host:port}; {@code tcp://} only in a lab);
 *                        may differ from the receiver's own (e.g. the receiver on loopback, devices via a public name)
 * @param brokerCaPem     PEM certificate(s) the device-facing broker's certificate chains to; the device
 *                        refuses an answer without one, so it is required
 * @param receiverKeys    the receiver's public keys ({@code receiver:N}) that sign acks and configurations
 * @param defaultExpiry   a new code's lifetime unless the admin asks otherwise (the contract suggests 72 h)
 * @param maxExpiry       the longest lifetime an admin may ask for
 */
public record EnrollmentSettings(URI receiverUrl, URI deviceBrokerUri, String brokerCaPem, List<VerificationKey> receiverKeys,
                                 Duration defaultExpiry, Duration maxExpiry) {

    public static final Duration DEFAULT_EXPIRY = Duration.ofHours(72);
    public static final Duration MAX_EXPIRY = Duration.ofDays(14);

    public EnrollmentSettings {
        Objects.requireNonNull(receiverUrl, "receiverUrl");
        if (!"https".equals(receiverUrl.getScheme()) || receiverUrl.getHost() == null) {
            throw new IllegalArgumentException("the receiver URL devices use must be https://host[:port], was " + receiverUrl);
        }
        Objects.requireNonNull(deviceBrokerUri, "deviceBrokerUri");
        if (!("ssl".equals(deviceBrokerUri.getScheme()) || "tcp".equals(deviceBrokerUri.getScheme()))
                || deviceBrokerUri.getHost() == null || deviceBrokerUri.getPort() < 1) {
            throw new IllegalArgumentException("the broker URI devices use must be ssl://host:port (or tcp:// in a lab), was "
                    + deviceBrokerUri);
        }
        Objects.requireNonNull(brokerCaPem, "brokerCaPem");
        if (!brokerCaPem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("the broker CA for devices must be PEM certificate(s); devices refuse an"
                    + " enrollment answer without one");
        }
        receiverKeys = List.copyOf(receiverKeys);
        if (receiverKeys.isEmpty() || receiverKeys.stream().anyMatch(k -> !k.keyId().isReceiver())) {
            throw new IllegalArgumentException("at least one receiver key, each with a kid receiver:N");
        }
        if (defaultExpiry.isNegative() || defaultExpiry.isZero() || maxExpiry.compareTo(defaultExpiry) < 0) {
            throw new IllegalArgumentException("code lifetimes must be positive and the default at most the maximum");
        }
    }
}
