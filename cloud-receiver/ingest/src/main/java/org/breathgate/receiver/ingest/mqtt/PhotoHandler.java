package org.breathgate.receiver.ingest.mqtt;

import org.breathgate.protocol.Ack;
import org.breathgate.protocol.PhotoChunk;

import java.time.Instant;

/**
 * Where ingest hands verified photo chunks ({@code up/photo}): the photo feature
 * ({@code org.breathgate.receiver.ingest.photo.PhotoIngest}) reassembles, checks and stores them and answers
 * with photo entries in the device's acks.
 */
public interface PhotoHandler {

    /** How the handler answers a device: an entry in the next ack to it. */
    @FunctionalInterface
    interface Answers {
        void answer(String deviceId, Ack.PhotoEntry entry);
    }

    /** Called once, before any chunk, with where answers go. */
    void answerWith(Answers answers);

    /**
     * A chunk whose signature verified against the device's key. Call {@code handled} once it is
     * durably dealt with: only then does the broker forget the message (until then a receiver that
     * stops gets it again). Must return quickly: queue the work.
     */
    void onChunk(PhotoChunk chunk, Instant receivedAt, Runnable handled);
}
