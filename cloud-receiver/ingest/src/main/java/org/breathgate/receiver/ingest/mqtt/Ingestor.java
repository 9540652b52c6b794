package org.breathgate.receiver.ingest.mqtt;

import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.DeviceMessage;
import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.Message;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.PhotoChunk;
import org.breathgate.protocol.Rejection;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.device.KeyStatus;
import org.breathgate.receiver.evidence.store.Write;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides what one received message is: verified evidence, a verified status or photo chunk, something to quarantine, or
 * traffic to drop unwritten, and whether the device may be acked. No I/O but registry lookups.
 *
 * <p>Whom to ack: only a device whose signature verified. A message that fails verification may be a forgery naming a
 * real device and a real sequence number; acking it (even as quarantined) would let a forger make the real device delete
 * genuine evidence from its outbox.
 *
 * <p>Routing never costs evidence: once the signature has verified against the key of the device the topic names, the
 * signed payload's type decides what the message is, whatever type the topic said. A reading whose exact bytes someone
 * republished on {@code up/status} is stored (or found a duplicate) as the reading it is and acked {@code stored} or
 * {@code duplicate}; the mismatch is recorded ({@link Write.Evidence#misroutedTopic()}). Acking it {@code quarantined},
 * as this receiver once did, made the device drop a genuine reading.
 *
 * <p>Floods cost little: traffic on a topic that names no enrolled device (or is not a device's uplink at all) is dropped
 * before it costs a database write, counted and logged ({@link Decision#dropped()}).
 */
final class Ingestor {

    /** Why traffic is dropped unwritten. */
    static final String UNKNOWN_DEVICE = "unknown_device";
    static final String NOT_AN_UPLINK = "not_an_uplink";

    /**
     * What to do with one message.
     *
     * @param write    what to store, or null
     * @param ackable  whether the device is authenticated and the message has a sequence number
     * @param photo    a verified photo chunk for the photo feature, or null
     * @param dropped  why the message is dropped without a write (counted and confirmed to the broker), or null
     * @param misrouted whether a verified message arrived on another topic than its own type's
     */
    record Decision(Write write, boolean ackable, PhotoChunk photo, String dropped, boolean misrouted) {
        Decision {
            int kinds = (write != null ? 1 : 0) + (photo != null ? 1 : 0) + (dropped != null ? 1 : 0);
            if (kinds != 1) {
                throw new IllegalArgumentException("a decision is a write, a verified photo chunk or a drop");
            }
        }

        Decision(Write write, boolean ackable) {
            this(Objects.requireNonNull(write, "write"), ackable, null, null, false);
        }

        /** A verified photo chunk: not written with evidence, handed to the photo feature. */
        static Decision photo(PhotoChunk chunk, boolean misrouted) {
            return new Decision(null, false, chunk, null, misrouted);
        }

        static Decision drop(String why) {
            return new Decision(null, false, null, why, false);
        }
    }

    private final DeviceRegistry registry;
    private final ClockCheck clocks;

    /** @param clockTolerance how far a device's clock may disagree with the receiver's before its message is flagged */
    Ingestor(DeviceRegistry registry, Duration clockTolerance) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clocks = new ClockCheck(clockTolerance);
    }

    Decision classify(String topic, byte[] payload, Instant receivedAt) {
        String deviceId = uplinkDevice(topic);
        if (deviceId == null) {
            return Decision.drop(NOT_AN_UPLINK);
        }
        if (!registry.isEnrolled(deviceId)) {
            return Decision.drop(UNKNOWN_DEVICE);
        }
        KeyStatus[] looked = new KeyStatus[1];
        KeyResolver resolver = keyId -> {
            KeyStatus status = registry.status(keyId);
            looked[0] = status;
            return status instanceof KeyStatus.Valid valid ? Optional.of(valid.key()) : Optional.empty();
        };
        SignedMessage signed;
        try {
            signed = new MessageVerifier(resolver).verify(payload, deviceId);
        } catch (InvalidMessageException e) {
            String reason = e.rejection().code();
            String detail = e.getMessage();
            if (e.rejection() == Rejection.UNKNOWN_KEY && looked[0] instanceof KeyStatus.RevokedDevice) {
                reason = QuarantineReasons.REVOKED_DEVICE;
                detail = "device " + deviceId + " is revoked";
            } else if (e.rejection() == Rejection.UNKNOWN_KEY && looked[0] instanceof KeyStatus.RevokedKey) {
                reason = QuarantineReasons.REVOKED_KEY;
                detail = "the signing key version of " + deviceId + " is revoked";
            }
            return quarantine(reason, topic, deviceId, null, detail, payload, receivedAt);
        }
        Message message = signed.message();
        boolean misrouted = !topic.equals(Topics.uplink(deviceId, message.type()));
        String clockCheck = message instanceof DeviceMessage m ? clocks.check(deviceId, m.clock(), receivedAt) : null;
        if (message instanceof DeviceStatus) {
            return new Decision(new Write.Status(signed, receivedAt), false, null, null, misrouted);
        }
        if (message instanceof PhotoChunk chunk) {
            return Decision.photo(chunk, misrouted);
        }
        boolean superseded = looked[0] instanceof KeyStatus.Valid valid && valid.superseded();
        return new Decision(new Write.Evidence(signed, receivedAt, misrouted ? topic : null, clockCheck, superseded), true, null, null,
                misrouted);
    }

    /** A quarantine decision for input nobody authenticated: never acked. */
    static Decision quarantine(String reason, String topic, String deviceId, Long seq, String detail, byte[] payload,
                               Instant receivedAt) {
        return new Decision(new Write.Quarantine(reason, topic, deviceId, seq, detail, payload, receivedAt), false);
    }

    /** The device of {@code breathgate/v1/devices/{device}/up/{anything}}, or null for any other topic. */
    static String uplinkDevice(String topic) {
        String device = deviceNamedBy(topic);
        if (device == null) {
            return null;
        }
        String rest = topic.substring(Topics.ROOT.length() + 1 + device.length());
        return rest.startsWith("/up/") && rest.length() > 4 && rest.indexOf('/', 4) < 0 ? device : null;
    }

    /** The device id a topic names, if it is shaped like ours, for grouping quarantine by device. */
    static String deviceNamedBy(String topic) {
        if (topic == null || !topic.startsWith(Topics.ROOT + "/")) {
            return null;
        }
        String rest = topic.substring(Topics.ROOT.length() + 1);
        int slash = rest.indexOf('/');
        String candidate = slash < 0 ? rest : rest.substring(0, slash);
        return DeviceIds.isValid(candidate) ? candidate : null;
    }
}
