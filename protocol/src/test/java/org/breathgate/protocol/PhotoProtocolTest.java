package org.breathgate.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.breathgate.protocol.photo.Photos;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The photo parts of the protocol: the signed statement in a reading, chunks, photo results in acks. */
class PhotoProtocolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONGEST_DEVICE = "d" + "9".repeat(62);

    private final MessageSigner device = new MessageSigner(Samples.deviceKey());
    private final MessageVerifier deviceVerifier = new MessageVerifier(KeyResolver.of(Samples.deviceKey().verificationKey()));
    private final MessageSigner receiver = new MessageSigner(Samples.receiverKey());
    private final MessageVerifier receiverVerifier = new MessageVerifier(KeyResolver.of(Samples.receiverKey().verificationKey()));

    static byte[] photo(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void a_reading_signs_the_hash_size_and_type_of_its_photo_and_reads_back() throws Exception {
        byte[] jpeg = photo(100_000, 1);
        Reading reading = Samples.positive(41).withPhoto(Photos.statementOf(jpeg));
        SignedMessage signed = device.sign(reading);
        Reading back = (Reading) deviceVerifier.verify(signed.bytes(), Samples.DEVICE).message();
        assertEquals(reading, back);
        ReadingPhoto.Taken taken = (ReadingPhoto.Taken) back.photo();
        assertEquals(Photos.sha256Hex(jpeg), taken.sha256());
        assertEquals(13, taken.chunks());
        JsonNode payload = JSON.readTree(signed.payload());
        assertEquals("{\"taken\":true,\"sha256\":\"" + taken.sha256() + "\",\"size\":100000,\"media_type\":\"image/jpeg\"}",
                payload.get("photo").toString());
    }

    @Test
    void a_reading_without_a_photo_says_why_and_one_without_the_field_makes_no_statement() throws Exception {
        Reading reading = Samples.sober(7).withPhoto(new ReadingPhoto.NotTaken(PhotoAbsence.CAMERA_TIMEOUT));
        SignedMessage signed = device.sign(reading);
        assertEquals("{\"taken\":false,\"reason\":\"camera_timeout\"}", JSON.readTree(signed.payload()).get("photo").toString());
        assertEquals(reading, deviceVerifier.verify(signed.bytes(), Samples.DEVICE).message());
        assertNull(((Reading) deviceVerifier.verify(device.sign(Samples.sober(8)).bytes(), Samples.DEVICE).message()).photo());
    }

    @Test
    void the_published_test_vector_without_a_photo_field_still_verifies() throws Exception {
        JsonNode vector;
        try (InputStream in = getClass().getResourceAsStream("/test-vectors/reading-1.json")) {
            vector = JSON.readTree(in);
        }
        VerificationKey key = VerificationKey.fromPem(new KeyId("home-0001", 1), vector.get("public_key_pem").asText());
        Reading reading = (Reading) new MessageVerifier(KeyResolver.of(key)).verify(vector.get("compact").asText(), "home-0001").message();
        assertNull(reading.photo());
    }

    @Test
    void bad_photo_statements_are_refused_as_invalid_fields() throws Exception {
        String valid = new String(MessageJson.encode(Samples.positive(41).withPhoto(Photos.statementOf(photo(5000, 2)))),
                StandardCharsets.UTF_8);
        ObjectNode root = (ObjectNode) JSON.readTree(valid);
        for (String bad : new String[] {
                "{\"taken\":true,\"sha256\":\"ABC\",\"size\":5000,\"media_type\":\"image/jpeg\"}",
                "{\"taken\":true,\"sha256\":\"" + "a".repeat(64) + "\",\"size\":0,\"media_type\":\"image/jpeg\"}",
                "{\"taken\":true,\"sha256\":\"" + "a".repeat(64) + "\",\"size\":524289,\"media_type\":\"image/jpeg\"}",
                "{\"taken\":true,\"sha256\":\"" + "a".repeat(64) + "\",\"size\":5000,\"media_type\":\"image/png\"}",
                "{\"taken\":false,\"reason\":\"camera_on_fire\"}",
                "{\"taken\":\"yes\"}"}) {
            root.set("photo", JSON.readTree(bad));
            InvalidMessageException e = assertThrows(InvalidMessageException.class,
                    () -> MessageJson.decode(JSON.writeValueAsBytes(root)), bad);
            assertEquals(Rejection.INVALID_FIELD, e.rejection(), bad);
        }
        root.set("photo", JSON.readTree("{\"taken\":true,\"size\":5000,\"media_type\":\"image/jpeg\"}"));
        assertEquals(Rejection.MISSING_FIELD,
                assertThrows(InvalidMessageException.class, () -> MessageJson.decode(JSON.writeValueAsBytes(root))).rejection());
    }

    @Test
    void a_photo_splits_into_chunks_that_verify_and_reassemble_to_its_exact_bytes() throws Exception {
        byte[] jpeg = photo(3 * PhotoChunk.CHUNK_BYTES + 17, 3);
        List<PhotoChunk> chunks = Photos.split(Samples.DEVICE, Samples.CLOCK, 41, jpeg);
        assertEquals(4, chunks.size());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (PhotoChunk chunk : chunks) {
            SignedMessage signed = device.sign(chunk);
            assertTrue(signed.bytes().length <= MessageVerifier.MAX_COMPACT_BYTES);
            PhotoChunk back = (PhotoChunk) deviceVerifier.verify(signed.bytes(), Samples.DEVICE).message();
            assertEquals(chunk, back);
            assertEquals(MessageType.PHOTO, back.type());
            joined.write(back.data());
        }
        assertArrayEquals(jpeg, joined.toByteArray());
        assertTrue(chunks.get(3).last());
        assertTrue(Photos.matches(Photos.statementOf(jpeg), joined.toByteArray()));
        byte[] changed = joined.toByteArray();
        changed[100] ^= 1;
        assertFalse(Photos.matches(Photos.statementOf(jpeg), changed));
        assertEquals("breathgate/v1/devices/home-0001/up/photo", Topics.uplink(Samples.DEVICE, MessageType.PHOTO));
    }

    @Test
    void the_largest_chunk_with_the_longest_ids_fits_the_message_limit() throws Exception {
        byte[] jpeg = photo(PhotoChunk.MAX_PHOTO_BYTES, 4);
        ClockFacts clock = new ClockFacts(Instant.parse("2026-11-25T06:02:11.250Z"), "b".repeat(64), Long.MAX_VALUE, false);
        KeyId kid = new KeyId(LONGEST_DEVICE, 999_999_999);
        PhotoChunk chunk = Photos.chunk(LONGEST_DEVICE, clock, EvidenceEvent.MAX_SEQUENCE, jpeg, 0);
        assertEquals(PhotoChunk.MAX_CHUNKS, chunk.count());
        for (SigningKey key : new SigningKey[] {SigningKey.fromSeed(kid, Samples.seed(5)), Samples.p256Key(kid)}) {
            SignedMessage signed = new MessageSigner(key).sign(chunk);
            assertTrue(signed.bytes().length <= MessageVerifier.MAX_COMPACT_BYTES, key.type() + ": " + signed.bytes().length + " bytes");
            new MessageVerifier(KeyResolver.of(key.verificationKey())).verify(signed.bytes(), LONGEST_DEVICE);
        }
    }

    @Test
    void chunks_that_disagree_with_their_own_size_or_use_sloppy_base64_are_refused() throws Exception {
        byte[] jpeg = photo(PhotoChunk.CHUNK_BYTES + 5, 5);
        PhotoChunk first = Photos.chunk(Samples.DEVICE, Samples.CLOCK, 41, jpeg, 0);
        assertThrows(IllegalArgumentException.class, () -> new PhotoChunk(Samples.DEVICE, Samples.CLOCK, 41, first.sha256(), first.size(),
                first.mediaType(), 0, 3, first.data()));
        assertThrows(IllegalArgumentException.class, () -> new PhotoChunk(Samples.DEVICE, Samples.CLOCK, 41, first.sha256(), first.size(),
                first.mediaType(), 1, 2, first.data()));
        assertThrows(IllegalArgumentException.class, () -> new PhotoChunk(Samples.DEVICE, Samples.CLOCK, 41, first.sha256(), first.size(),
                first.mediaType(), 2, 2, new byte[5]));
        ObjectNode root = (ObjectNode) JSON.readTree(MessageJson.encode(Photos.chunk(Samples.DEVICE, Samples.CLOCK, 41, jpeg, 1)));
        String data = root.get("data").asText();
        root.put("data", data.replace("=", ""));
        assertEquals(Rejection.INVALID_FIELD,
                assertThrows(InvalidMessageException.class, () -> MessageJson.decode(JSON.writeValueAsBytes(root))).rejection());
        root.put("data", Base64.getUrlEncoder().encodeToString(Photos.chunk(Samples.DEVICE, Samples.CLOCK, 41, jpeg, 1).data()) + "!");
        assertEquals(Rejection.INVALID_FIELD,
                assertThrows(InvalidMessageException.class, () -> MessageJson.decode(JSON.writeValueAsBytes(root))).rejection());
    }

    @Test
    void a_chunk_cannot_be_signed_for_or_by_another_device() {
        PhotoChunk chunk = Photos.chunk("home-0002", Samples.CLOCK, 41, photo(100, 6), 0);
        assertThrows(IllegalArgumentException.class, () -> device.sign(chunk));
    }

    @Test
    void acks_carry_photo_results_with_missing_chunks_and_old_acks_still_read() throws Exception {
        Ack ack = new Ack(Samples.DEVICE, Instant.parse("2026-11-25T06:02:12.001Z"), List.of(new Ack.Entry(41, Ack.Result.STORED, null)),
                List.of(new Ack.PhotoEntry(40, Ack.PhotoResult.STORED), new Ack.PhotoEntry(41, Ack.PhotoResult.INCOMPLETE, List.of(2, 5)),
                        new Ack.PhotoEntry(39, Ack.PhotoResult.HASH_MISMATCH)));
        SignedMessage signed = receiver.sign(ack);
        assertEquals(ack, receiverVerifier.verify(signed.bytes(), KeyId.RECEIVER).message());
        assertTrue(new String(signed.payload(), StandardCharsets.UTF_8).contains(
                "\"photos\":[{\"seq\":40,\"result\":\"stored\"},{\"seq\":41,\"result\":\"incomplete\",\"missing\":[2,5]}"));
        Ack photosOnly = new Ack(Samples.DEVICE, Instant.parse("2026-11-25T06:02:12.001Z"), List.of(),
                List.of(new Ack.PhotoEntry(41, Ack.PhotoResult.PENDING)));
        assertEquals(photosOnly, receiverVerifier.verify(receiver.sign(photosOnly).bytes(), KeyId.RECEIVER).message());
        Ack old = new Ack(Samples.DEVICE, Instant.parse("2026-11-25T06:02:12.001Z"), List.of(new Ack.Entry(41, Ack.Result.STORED, null)));
        assertTrue(old.photos().isEmpty());
        assertFalse(new String(receiver.sign(old).payload(), StandardCharsets.UTF_8).contains("photos"));
        assertThrows(IllegalArgumentException.class, () -> new Ack(Samples.DEVICE, Instant.EPOCH, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Ack.PhotoEntry(41, Ack.PhotoResult.INCOMPLETE, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Ack.PhotoEntry(41, Ack.PhotoResult.STORED, List.of(1)));
        assertThrows(IllegalArgumentException.class, () -> new Ack.PhotoEntry(41, Ack.PhotoResult.INCOMPLETE, List.of(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> new Ack.PhotoEntry(41, Ack.PhotoResult.INCOMPLETE, List.of(64)));
        assertTrue(Ack.PhotoResult.STORED.isFinal() && Ack.PhotoResult.HASH_MISMATCH.isFinal());
        assertFalse(Ack.PhotoResult.PENDING.isFinal() || Ack.PhotoResult.INCOMPLETE.isFinal() || Ack.PhotoResult.BUSY.isFinal());
    }

    @Test
    void the_largest_ack_with_photo_entries_fits() throws Exception {
        List<Ack.Entry> entries = new ArrayList<>();
        for (int i = 0; i < Ack.MAX_ENTRIES; i++) {
            entries.add(new Ack.Entry(EvidenceEvent.MAX_SEQUENCE - i, Ack.Result.QUARANTINED, "q".repeat(48)));
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < PhotoChunk.MAX_CHUNKS; i++) {
            all.add(i);
        }
        List<Ack.PhotoEntry> photos = new ArrayList<>();
        for (int i = 0; i < Ack.MAX_PHOTO_ENTRIES; i++) {
            photos.add(new Ack.PhotoEntry(EvidenceEvent.MAX_SEQUENCE - i, Ack.PhotoResult.INCOMPLETE, all));
        }
        SigningKey key = SigningKey.fromSeed(new KeyId(KeyId.RECEIVER, 999_999_999), Samples.seed(9));
        SignedMessage signed = new MessageSigner(key).sign(new Ack(LONGEST_DEVICE, Instant.parse("2026-11-25T06:02:11.250Z"), entries, photos));
        assertTrue(signed.bytes().length <= MessageVerifier.MAX_COMPACT_BYTES, signed.bytes().length + " bytes");
        new MessageVerifier(KeyResolver.of(key.verificationKey())).verify(signed.bytes(), KeyId.RECEIVER);
    }

    @Test
    void docs_name_every_photo_code_and_field() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "protocol.md"));
        for (PhotoAbsence a : PhotoAbsence.values()) {
            assertTrue(doc.contains("`" + a.wireName() + "`"), "docs/protocol.md does not name " + a.wireName());
        }
        for (Ack.PhotoResult r : Ack.PhotoResult.values()) {
            assertTrue(doc.contains("`" + r.wireName() + "`"), "docs/protocol.md does not name " + r.wireName());
        }
        for (String field : new String[] {"photo.taken", "photo.sha256", "photo.size", "photo.media_type", "photo.reason",
                "reading_seq", "chunks", "`data`", "photos[].missing", String.valueOf(PhotoChunk.MAX_PHOTO_BYTES),
                String.valueOf(PhotoChunk.CHUNK_BYTES)}) {
            assertTrue(doc.contains(field), "docs/protocol.md does not describe " + field);
        }
    }
}
