package org.breathgate.agent.publish;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.photo.PhotoSender;
import org.breathgate.protocol.Ack;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.TestRequest;
import org.breathgate.protocol.SupportReply;
import org.breathgate.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the receiver sends down to this device, believed only when its signature verifies with a
 * receiver key and it names this device on its own topic: an ack deletes the events the receiver
 * stored (or already had) from the outbox and moves the ones it quarantined to the dead letters
 * (telling the {@link DownlinkListener} of each), and hands its photo answers to the {@link PhotoSender};
 * a configuration, a reply to support requests and a worker's test request go to the listener, and a configuration
 * that fails verification is reported there once. Anything else — a forged or unsigned message of any type, a type
 * this version does not know — is logged and ignored: a forged ack never deletes evidence, a forged
 * support reply never tells the parent their request was seen, and a forged test request never prompts a test.
 *
 * <p>Used on the publisher's thread; the counters may be read from any thread.
 */
final class DownlinkHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DownlinkHandler.class);

    private final String deviceId;
    private final Outbox outbox;
    private final MessageVerifier receiverVerifier;
    private final DownlinkListener listener;
    private final PhotoSender photos;
    private volatile long acked;
    private volatile long quarantined;
    private volatile Instant lastAck;
    private String lastRejectedConfig;

    /** @param photos gets the photo answers of acks; null when the device sends no photos */
    DownlinkHandler(String deviceId, Outbox outbox, MessageVerifier receiverVerifier, DownlinkListener listener, PhotoSender photos) {
        this.deviceId = deviceId;
        this.outbox = outbox;
        this.receiverVerifier = receiverVerifier;
        this.listener = listener;
        this.photos = photos;
    }

    /**
     * Handles one message that arrived on {@code topic}.
     *
     * @param answered told of each sequence number the receiver answered for (no longer in flight)
     */
    void handle(String topic, byte[] payload, LongConsumer answered) {
        Topics.Address address = Topics.parse(topic).orElse(null);
        if (address == null || !address.deviceId().equals(deviceId)) {
            LOG.warn("Ignoring a message on unexpected topic {}", topic);
            return;
        }
        SignedMessage signed;
        try {
            signed = receiverVerifier.verify(payload, KeyId.RECEIVER);
        } catch (InvalidMessageException e) {
            if (address.type() == MessageType.CONFIG) {
                String key = new String(payload, StandardCharsets.ISO_8859_1);
                if (!key.equals(lastRejectedConfig)) {
                    lastRejectedConfig = key;
                    listener.configRejected(e.getMessage());
                }
            } else {
                LOG.warn("Ignoring a {} that failed verification: {}", address.type().wireName(), e.getMessage());
            }
            return;
        }
        if (!signed.message().deviceId().equals(deviceId) || signed.message().type() != address.type()) {
            LOG.warn("Ignoring a {} for device {} on topic {}", signed.message().type().wireName(), signed.message().deviceId(), topic);
            return;
        }
        if (signed.message() instanceof Ack ack) {
            handleAck(ack, answered);
        } else if (signed.message() instanceof ConfigUpdate update) {
            listener.configReceived(update, signed);
        } else if (signed.message() instanceof SupportReply reply) {
            listener.supportReplyReceived(reply);
        } else if (signed.message() instanceof TestRequest request) {
            listener.testRequested(request);
        }
    }

    private void handleAck(Ack ack, LongConsumer answered) {
        List<Long> done = new ArrayList<>();
        for (Ack.Entry entry : ack.entries()) {
            answered.accept(entry.seq());
            if (entry.result() == Ack.Result.QUARANTINED) {
                if (outbox.quarantine(entry.seq(), entry.reason())) {
                    quarantined++;
                    listener.quarantined(entry.seq());
                }
            } else {
                done.add(entry.seq());
            }
        }
        // Duplicate and late acks name events already gone; acknowledge() ignores those.
        acked += outbox.acknowledge(done);
        if (photos != null && !ack.photos().isEmpty()) {
            photos.onAck(ack.photos());
        }
        lastAck = Instant.now();
    }

    /** Events acknowledged (stored or duplicate) since start. */
    long acked() {
        return acked;
    }

    /** Events the receiver quarantined since start. */
    long quarantined() {
        return quarantined;
    }

    /** When the last verified ack arrived, or null. */
    Instant lastAck() {
        return lastAck;
    }
}
