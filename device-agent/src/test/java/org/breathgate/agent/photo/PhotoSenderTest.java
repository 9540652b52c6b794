package org.breathgate.agent.photo;

import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.outbox.PhotoStats;
import org.breathgate.agent.outbox.StoredEvent;
import org.breathgate.protocol.Ack;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.PhotoChunk;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.Topics;
import org.breathgate.protocol.photo.Photos;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The photo's path through the device's outbox: stored with its reading, sent only after the reading's
 * ack, chunk by chunk with durable progress (so a restart goes on where it stopped), missing chunks
 * sent again, deleted on a final answer. Real SQLite files; a restart is a new outbox on the same file.
 */
class PhotoSenderTest {

    private static final String DEVICE = "home-0042";
    private static final SigningKey KEY = TestKeys.device(DEVICE);
    private static final ClockFacts CLOCK = new ClockFacts(Instant.parse("2026-03-10T06:00:00Z"), "boot-1", 1000, true);

    @TempDir
    Path dir;

    private final MessageVerifier verifier = new MessageVerifier(KeyResolver.of(KEY.verificationKey()));

    /** What the "broker" took: chunk indexes in order; refuses after {@code capacity} (a connection that dies). */
    private final class Link implements PhotoSender.ChunkPublisher {
        final List<PhotoChunk> sent = new ArrayList<>();
        int capacity;

        Link(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public boolean publish(String topic, byte[] payload) throws Exception {
            if (sent.size() >= capacity) {
                return false;
            }
            assertEquals(Topics.uplink(DEVICE, MessageType.PHOTO), topic);
            sent.add((PhotoChunk) verifier.verify(payload, DEVICE).message());
            return true;
        }

        List<Integer> indexes() {
            return sent.stream().map(PhotoChunk::index).toList();
        }
    }

    private static byte[] photo(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private Outbox open() {
        return Outbox.open(dir.resolve("outbox.db"), DEVICE, 1 << 24);
    }

    private static void storeReadingWithPhoto(Outbox outbox, byte[] jpeg) {
        outbox.append(List.of(seq -> new StoredEvent(seq, MessageType.READING, "reading-" + seq)), null, 0, jpeg);
    }

    private PhotoSender sender(Outbox outbox, Duration answerTimeout) {
        return new PhotoSender(DEVICE, outbox.photos(), new MessageSigner(KEY), () -> CLOCK, answerTimeout);
    }

    @Test
    void a_photo_waits_for_its_readings_ack_then_goes_in_chunks_and_resumes_after_a_restart() throws Exception {
        byte[] jpeg = photo(5 * PhotoChunk.CHUNK_BYTES + 10); // 6 chunks
        try (Outbox outbox = open()) {
            storeReadingWithPhoto(outbox, jpeg);
            assertEquals(new PhotoStats(1, jpeg.length), outbox.photos().stats());
            PhotoSender sender = sender(outbox, Duration.ofHours(1));
            Link link = new Link(100);
            assertEquals(0, sender.pump(link, 100), "not before the reading is acknowledged");
            outbox.acknowledge(List.of(1L));
            Link dying = new Link(2);
            assertEquals(2, sender.pump(dying, 100));
            assertEquals(List.of(0, 1), dying.indexes());
        }
        // Power cut; the agent starts again on the same file.
        try (Outbox outbox = open()) {
            assertEquals(new PhotoStats(1, jpeg.length), outbox.photos().stats());
            PhotoSender sender = sender(outbox, Duration.ofHours(1));
            Link link = new Link(100);
            assertEquals(4, sender.pump(link, 100));
            assertEquals(List.of(2, 3, 4, 5), link.indexes(), "goes on from where it stopped");
            PhotoChunk last = link.sent.get(3);
            assertTrue(last.last());
            assertEquals(Photos.sha256Hex(jpeg), last.sha256());
            assertEquals(1, last.readingSeq());
            // The receiver lost chunk 3 (say): it asks for it, and gets it.
            sender.onAck(List.of(new Ack.PhotoEntry(1, Ack.PhotoResult.INCOMPLETE, List.of(3))));
            Link again = new Link(100);
            assertEquals(1, sender.pump(again, 100));
            assertEquals(List.of(3), again.indexes());
            // Stored: deleted from the device.
            sender.onAck(List.of(new Ack.PhotoEntry(1, Ack.PhotoResult.STORED)));
            assertEquals(new PhotoStats(0, 0), outbox.photos().stats());
            assertEquals(1, sender.photosDone());
            assertEquals(0, sender.pump(new Link(100), 100));
        }
        try (Outbox outbox = open()) {
            assertEquals(new PhotoStats(0, 0), outbox.photos().stats(), "deleted for good");
            assertTrue(outbox.photos().jpeg(1).isEmpty());
        }
    }

    @Test
    void with_no_final_answer_the_last_chunk_asks_again_and_pending_keeps_the_photo() throws Exception {
        byte[] jpeg = photo(100);
        try (Outbox outbox = open()) {
            storeReadingWithPhoto(outbox, jpeg);
            outbox.acknowledge(List.of(1L));
            PhotoSender sender = sender(outbox, Duration.ZERO);
            Link link = new Link(100);
            assertEquals(3, sender.pump(link, 3), "one chunk, then asked again at once (timeout 0) up to the budget");
            assertEquals(List.of(0, 0, 0), link.indexes());
            sender.onAck(List.of(new Ack.PhotoEntry(1, Ack.PhotoResult.PENDING)));
            assertEquals(new PhotoStats(1, 100), outbox.photos().stats(), "pending keeps it");
            sender.onAck(List.of(new Ack.PhotoEntry(1, Ack.PhotoResult.HASH_MISMATCH)));
            assertEquals(new PhotoStats(0, 0), outbox.photos().stats(), "a final refusal deletes it too: never kept once answered");
        }
    }

    @Test
    void a_quarantined_readings_photo_is_never_sent_and_not_kept() throws Exception {
        try (Outbox outbox = open()) {
            storeReadingWithPhoto(outbox, photo(500));
            outbox.quarantine(1, "bad_signature");
            assertEquals(new PhotoStats(0, 0), outbox.photos().stats());
            assertEquals(0, sender(outbox, Duration.ofHours(1)).pump(new Link(100), 100));
        }
    }

    @Test
    void photo_chunks_are_signed_with_the_device_key() throws Exception {
        try (Outbox outbox = open()) {
            storeReadingWithPhoto(outbox, photo(50));
            outbox.acknowledge(List.of(1L));
            Link link = new Link(1);
            sender(outbox, Duration.ofHours(1)).pump(link, 1);
            assertEquals(KeyId.parse(DEVICE + ":1").owner(), link.sent.get(0).deviceId());
            assertArrayEquals(photo(50), link.sent.get(0).data());
        }
    }

    @Test
    void a_key_that_cannot_sign_keeps_the_photo_and_is_not_asked_again_at_every_round() throws Exception {
        byte[] jpeg = photo(2 * PhotoChunk.CHUNK_BYTES);
        int[] tries = {0};
        SigningKey silentTpm = SigningKey.external(SigningKey.generateP256(new org.breathgate.protocol.KeyId(DEVICE, 1),
                new java.security.SecureRandom()).verificationKey(), data -> {
            tries[0]++;
            throw new java.io.IOException("tpm2_sign did not finish within 10 s and was stopped");
        });
        try (Outbox outbox = open()) {
            storeReadingWithPhoto(outbox, jpeg);
            outbox.acknowledge(List.of(1L));
            PhotoSender sender = new PhotoSender(DEVICE, outbox.photos(), new MessageSigner(silentTpm), () -> CLOCK, Duration.ofHours(1));
            Link link = new Link(100);
            assertEquals(0, sender.pump(link, 8));
            assertEquals(0, sender.pump(link, 8), "the next round does not ask the failing key");
            assertEquals(1, tries[0]);
            assertEquals(List.of(), link.indexes());
            assertEquals(new PhotoStats(1, jpeg.length), outbox.photos().stats(), "the photo is kept");
        }
    }
}
