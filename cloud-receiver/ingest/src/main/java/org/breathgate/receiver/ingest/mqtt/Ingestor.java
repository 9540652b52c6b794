package org.breathgate.receiver.ingest.mqtt;

import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.Message;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.Rejection;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.device.KeyStatus;
import org.breathgate.receiver.evidence.store.Write;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides what one received message is: verified evidence, a verified status, or something to
 * quarantine, and whether the device may be acked. No I/O but registry lookups.
 *
 * <p>Whom to ack: only a device whose signature verified. A message that fails verification may
 * be a forgery naming a real device and a real sequence number; acking it (even as quarantined)
 * would let a forger make the real device delete genuine evidence from its outbox.
 */
final class Ingestor {

    /**
     * What to write, and to whom an ack is owed.
     *
     * @param write    what to store
     * @param ackable  whether the device is authenticated and the message has a sequence number
     */
    record Decision(Write write, boolean ackable, org.breathgate.protocol.PhotoChunk photo) {
        Decision {
            if ((write == null) == (photo == null)) {
                throw new IllegalArgumentException("a decision is either a write or a verified photo chunk");
            }
        }

        Decision(Write write, boolean ackable) {
            this(Objects.requireNonNull(write, "write"), ackable, null);
        }

        /** A verified photo chunk: not written with evidence, handed to the photo feature. */
        static Decision photo(org.breathgate.protocol.PhotoChunk chunk) {
            return new Decision(null, false, chunk);
        }
    }

    private final DeviceRegistry registry;

    Ingestor(DeviceRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    Decision classify(String topic, byte[] payload, Instant receivedAt) {
        Optional<Topics.Address> address = Topics.parse(topic).filter(a -> a.type().direction() == MessageType.Direction.UPLINK);
        if (address.isEmpty()) {
            return quarantine(QuarantineReasons.WRONG_TOPIC, topic, deviceNamedBy(topic), null,
                    "not a Breathgate uplink topic (breathgate/v1/devices/{device}/up/{type})", payload, receivedAt);
        }
        String deviceId = address.get().deviceId();
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
        if (message.type() != address.get().type()) {
            Long seq = message instanceof EvidenceEvent event ? event.seq() : null;
            return new Decision(new Write.Quarantine(QuarantineReasons.WRONG_TOPIC, topic, deviceId, seq,
                    "the signed payload is a " + message.type().wireName() + " but the topic says " + address.get().type().wireName(),
                    payload, receivedAt), seq != null);
        }
        if (message instanceof DeviceStatus) {
            return new Decision(new Write.Status(signed, receivedAt), false);
        }
        if (message instanceof org.breathgate.protocol.PhotoChunk chunk) {
            return Decision.photo(chunk);
        }
        return new Decision(new Write.Evidence(signed, receivedAt), true);
    }

    /** A quarantine decision for input nobody authenticated: never acked. */
    static Decision quarantine(String reason, String topic, String deviceId, Long seq, String detail, byte[] payload,
                               Instant receivedAt) {
        return new Decision(new Write.Quarantine(reason, topic, deviceId, seq, detail, payload, receivedAt), false);
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
