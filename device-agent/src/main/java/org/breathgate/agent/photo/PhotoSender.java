package org.breathgate.agent.photo;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.breathgate.agent.outbox.PhotoStore;
import org.breathgate.agent.outbox.WaitingPhoto;
import org.breathgate.protocol.Ack;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.PhotoChunk;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.Topics;
import org.breathgate.protocol.photo.Photos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the photos kept in the outbox, chunk by chunk, after their readings were acknowledged, and
 * deletes each once the receiver has answered for it for good (docs/protocol.md, "photo"). Used by
 * the publisher's thread only.
 *
 * <p>How far each photo got is stored in the outbox after every chunk, so after a restart sending
 * goes on from there. When every chunk is out and no final answer came within the answer timeout
 * (or the receiver said {@code pending} or {@code busy}), the last chunk is sent again: the
 * receiver then says where the transfer stands ({@code incomplete} with the missing chunks, which
 * are sent again, or a final result).
 */
public final class PhotoSender {

    private static final Logger LOG = LoggerFactory.getLogger(PhotoSender.class);
    /** After the device key failed to sign a chunk, how long photos wait before it is asked again. */
    private static final long SIGNING_PAUSE_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    /** Photos in transfer at once: one at a time keeps a slow link from splitting its capacity. */
    private static final int AT_ONCE = 1;

    /** Publishes one chunk; false when the client's window is full (try again next round). */
    @FunctionalInterface
    public interface ChunkPublisher {
        boolean publish(String topic, byte[] payload) throws Exception;
    }

    private static final class Progress {
        final byte[] jpeg;
        int next;
        final TreeSet<Integer> resend = new TreeSet<>();
        long askAgainAt;

        Progress(byte[] jpeg, int next) {
            this.jpeg = jpeg;
            this.next = next;
        }
    }

    private final String deviceId;
    private final PhotoStore store;
    /** The publisher thread's: when photo chunks may be signed again (System.nanoTime), or 0 when the key signs. */
    private long signingPausedUntil;
    private final MessageSigner signer;
    private final Supplier<ClockFacts> clock;
    private final long answerTimeoutNanos;
    private final Map<Long, Progress> progress = new HashMap<>();
    private volatile long chunksSent;
    private volatile long photosDone;

    /**
     * @param answerTimeout how long to wait for a final answer before asking again (the publisher's ack timeout)
     */
    public PhotoSender(String deviceId, PhotoStore store, MessageSigner signer, Supplier<ClockFacts> clock, Duration answerTimeout) {
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.store = Objects.requireNonNull(store, "store");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.answerTimeoutNanos = answerTimeout.toNanos();
    }

    /** A new connection: what was in flight on the old one may be lost; go on from the stored progress. */
    public void sessionStarted() {
        progress.clear();
    }

    /**
     * Sends up to {@code budget} chunks. Returns how many were sent (the caller comes back soon when
     * that is the whole budget).
     */
    public int pump(ChunkPublisher publisher, int budget) throws Exception {
        int sent = 0;
        if (signingPausedUntil != 0 && System.nanoTime() - signingPausedUntil < 0) {
            return 0;
        }
        for (WaitingPhoto w : store.toSend(AT_ONCE)) {
            Progress p = progress.get(w.seq());
            if (p == null) {
                Optional<byte[]> jpeg = store.jpeg(w.seq());
                if (jpeg.isEmpty()) {
                    continue;
                }
                p = new Progress(jpeg.get(), Math.min(w.nextChunk(), PhotoChunk.chunkCount(w.size())));
                progress.put(w.seq(), p);
            }
            int count = PhotoChunk.chunkCount(p.jpeg.length);
            while (sent < budget) {
                int index;
                if (!p.resend.isEmpty()) {
                    index = p.resend.first();
                } else if (p.next < count) {
                    index = p.next;
                } else if (System.nanoTime() - p.askAgainAt >= 0) {
                    index = count - 1; // everything is out and no final answer: ask where it stands
                } else {
                    break;
                }
                PhotoChunk chunk = Photos.chunk(deviceId, clock.get(), w.seq(), p.jpeg, index);
                byte[] signed;
                try {
                    signed = signer.sign(chunk).bytes();
                    signingPausedUntil = 0;
                } catch (SigningKey.SigningFailedException e) {
                    // The device key cannot sign now (a TPM that does not answer): the photo waits, kept, and the key is
                    // not asked again for a minute (rounds come every fraction of a second).
                    if (signingPausedUntil == 0) {
                        LOG.warn("Photo chunks wait while the device key cannot sign ({}); trying again every minute", e.getMessage());
                    }
                    signingPausedUntil = System.nanoTime() + SIGNING_PAUSE_NANOS;
                    return sent;
                }
                if (!publisher.publish(Topics.uplink(deviceId, MessageType.PHOTO), signed)) {
                    return sent;
                }
                sent++;
                chunksSent++;
                if (!p.resend.isEmpty()) {
                    p.resend.remove(index);
                } else if (p.next < count) {
                    p.next++;
                    store.saveProgress(w.seq(), p.next);
                }
                if (index == count - 1 || (p.resend.isEmpty() && p.next >= count)) {
                    p.askAgainAt = System.nanoTime() + answerTimeoutNanos;
                }
            }
        }
        return sent;
    }

    /** The receiver's photo entries from a verified ack. */
    public void onAck(List<Ack.PhotoEntry> entries) {
        for (Ack.PhotoEntry e : entries) {
            if (e.result().isFinal()) {
                progress.remove(e.seq());
                if (store.delete(e.seq())) {
                    photosDone++;
                    if (e.result() == Ack.PhotoResult.STORED || e.result() == Ack.PhotoResult.DUPLICATE) {
                        LOG.info("Photo of reading {} stored by the receiver; deleted from the device", e.seq());
                    } else {
                        LOG.warn("Receiver refused the photo of reading {} ({}); deleted from the device", e.seq(), e.result().wireName());
                    }
                }
                continue;
            }
            Progress p = progress.get(e.seq());
            if (p == null) {
                continue; // not sending it in this session: the stored progress decides
            }
            if (e.result() == Ack.PhotoResult.INCOMPLETE) {
                int count = PhotoChunk.chunkCount(p.jpeg.length);
                e.missing().stream().filter(i -> i < count).forEach(p.resend::add);
            }
            p.askAgainAt = System.nanoTime() + answerTimeoutNanos;
        }
    }

    /** Chunks published since start. */
    public long chunksSent() {
        return chunksSent;
    }

    /** Photos the receiver answered for for good since start (and so deleted here). */
    public long photosDone() {
        return photosDone;
    }
}
