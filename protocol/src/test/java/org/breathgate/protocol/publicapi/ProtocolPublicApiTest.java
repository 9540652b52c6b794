package org.breathgate.protocol.publicapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.breathgate.protocol.AbortReason;
import org.breathgate.protocol.Ack;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.DeviceMessage;
import org.breathgate.protocol.DeviceRequests;
import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.KeyType;
import org.breathgate.protocol.Message;
import org.breathgate.protocol.MessageJson;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.PerMilleFactor;
import org.breathgate.protocol.PhotoAbsence;
import org.breathgate.protocol.PhotoChunk;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.ReadingPhoto;
import org.breathgate.protocol.ReceiverMessage;
import org.breathgate.protocol.Rejection;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.SensorState;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.StoredJws;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.TestReason;
import org.breathgate.protocol.TestRequest;
import org.breathgate.protocol.Topics;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.protocol.photo.Photos;
import org.junit.jupiter.api.Test;

/**
 * The protocol module's public face, used from outside its packages the way the agent, the
 * receiver and the evidence verifier use it (as Javalin's {@code TestPublicApi_Java} does for
 * Javalin): every public constructor, method and constant of {@code org.breathgate.protocol} and
 * {@code .photo} is called below, so renaming, removing or changing one breaks the build here
 * first. The last two tests pin the list of public types, so a new one is a deliberate change to
 * this file, and check that no public signature hands out a package-private class.
 *
 * <p>When the public face changes on purpose: change the calls and the list here, and
 * docs/protocol.md where integrators read of it, in the same commit.
 */
class ProtocolPublicApiTest {

    private static final String DEVICE = "home-0001";
    private static final Instant T = Instant.parse("2026-11-25T06:02:11Z");
    private static final ClockFacts CLOCK = new ClockFacts(T, "5b1e8f0c-3c1a-4f7e-9d55-2f6a0c9e1b42", 3_600_123, true);
    private static final SensorFacts SENSOR = new SensorFacts("BG-FC1", "SIM-000123", LocalDate.parse("2027-05-01"));

    private static byte[] seed(int first) {
        byte[] seed = new byte[32];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (byte) (first + i);
        }
        return seed;
    }

    @Test
    void the_message_records_and_their_values_can_be_built_and_read() {
        BreathAlcohol value = new BreathAlcohol(230);
        assertEquals(value, BreathAlcohol.ofMilligramsPerLitre(new BigDecimal("0.230")));
        assertEquals(new BigDecimal("0.230"), value.milligramsPerLitre());
        assertEquals(230, value.microgramsPerLitre());
        assertTrue(value.atOrAbove(BreathAlcohol.ZERO));
        assertTrue(value.compareTo(new BreathAlcohol(BreathAlcohol.MAX_MICROGRAMS_PER_LITRE)) < 0);
        assertEquals("230 µg/L", value.toString());
        PerMilleFactor factor = new PerMilleFactor(PerMilleFactor.FINNISH_CRIMINAL_CODE.name(),
                PerMilleFactor.FINNISH_CRIMINAL_CODE.perMillePerMilligramPerLitre());
        assertEquals(value.perMille(PerMilleFactor.FINNISH_CRIMINAL_CODE), value.perMille(factor));
        assertFalse(PerMilleFactor.PARTITION_2100.equals(factor));

        assertEquals(T, CLOCK.wall());
        assertEquals(3_600_123, CLOCK.monotonicMs());
        assertTrue(CLOCK.synced());
        assertFalse(CLOCK.bootId().isEmpty());
        assertFalse(SENSOR.calibrationOverdueOn(SENSOR.calibrationDue()));
        assertEquals(List.of("BG-FC1", "SIM-000123"), List.of(SENSOR.model(), SENSOR.serialNumber()));

        TestReason.Scheduled scheduled = new TestReason.Scheduled(T, false);
        TestReason.Retest retest = new TestReason.Retest(41, 40, 2);
        TestReason.Random random = new TestReason.Random(T);
        TestReason.Requested requested = new TestReason.Requested(3);
        List<TestReason> reasons = List.of(scheduled, retest, new TestReason.OnDemand(), random, requested);
        assertEquals(List.of(T, false), List.of(scheduled.slot(), scheduled.late()));
        assertEquals(List.of(41L, 40L, 2L), List.of(retest.of(), retest.chainStart(), (long) retest.attempt()));
        assertEquals(List.of(T, 3L), List.of(random.slot(), requested.request()));
        assertEquals(5, reasons.size());

        ReadingPhoto.Taken taken = new ReadingPhoto.Taken("ab".repeat(32), 20_000, ReadingPhoto.JPEG);
        assertEquals(List.of(taken.sha256(), taken.size(), taken.mediaType()), List.of("ab".repeat(32), 20_000, "image/jpeg"));
        assertEquals(PhotoChunk.chunkCount(taken.size()), taken.chunks());
        ReadingPhoto.NotTaken notTaken = new ReadingPhoto.NotTaken(PhotoAbsence.valueOf("NO_BLOW"));
        assertEquals("no_blow", notTaken.reason().wireName());
        assertEquals(7, PhotoAbsence.values().length);

        Reading reading = new Reading(DEVICE, 41, CLOCK, scheduled, Outcome.FAIL, value, new BreathAlcohol(100), null, 5100, 342, SENSOR);
        Reading withPhoto = new Reading(DEVICE, 41, CLOCK, scheduled, Outcome.FAIL, value, new BreathAlcohol(100), null, 5100, 342,
                SENSOR, taken);
        assertEquals(withPhoto, reading.withPhoto(taken));
        assertTrue(reading.positive());
        assertEquals(MessageType.READING, reading.type());
        assertEquals(List.of(DEVICE, 41L, CLOCK, scheduled, Outcome.FAIL, value, new BreathAlcohol(100), 5100, 342, SENSOR, taken),
                List.of(withPhoto.deviceId(), withPhoto.seq(), withPhoto.clock(), withPhoto.reason(), withPhoto.outcome(),
                        withPhoto.breathAlcohol(), withPhoto.threshold(), withPhoto.blowMs(), withPhoto.sensorTemperatureDeciC(),
                        withPhoto.sensor(), withPhoto.photo()));
        Reading aborted = new Reading(DEVICE, 42, CLOCK, retest, Outcome.ABORTED, null, new BreathAlcohol(100),
                AbortReason.valueOf("BLOW_TOO_SHORT"), 900, null, SENSOR);
        assertEquals("blow_too_short", aborted.abortReason().wireName());
        assertEquals(6, AbortReason.values().length);
        assertEquals("invalid_sample", Outcome.valueOf("INVALID_SAMPLE").wireName());
        assertEquals(4, Outcome.values().length);

        MissedTest missed = new MissedTest(DEVICE, 43, CLOCK, scheduled, T.minusSeconds(1800), T, 2);
        assertEquals(List.of(T.minusSeconds(1800), T, 2), List.of(missed.windowOpened(), missed.windowClosed(), missed.abortedAttempts()));
        assertEquals(List.of(DEVICE, 43L, CLOCK, scheduled, MessageType.MISSED_TEST),
                List.of(missed.deviceId(), missed.seq(), missed.clock(), missed.reason(), missed.type()));
        TamperEvent tamper = new TamperEvent(DEVICE, 44, CLOCK, TamperKind.valueOf("CLOCK_JUMP"), "moved 7200 s");
        assertEquals(List.of(DEVICE, 44L, CLOCK, TamperKind.CLOCK_JUMP, "moved 7200 s", MessageType.TAMPER),
                List.of(tamper.deviceId(), tamper.seq(), tamper.clock(), tamper.kind(), tamper.detail(), tamper.type()));
        assertEquals("clock_jump", TamperKind.CLOCK_JUMP.wireName());
        assertEquals(7, TamperKind.values().length);
        SupportRequest support = new SupportRequest(DEVICE, 45, CLOCK);
        assertEquals(List.of(DEVICE, 45L, CLOCK, MessageType.SUPPORT_REQUEST),
                List.of(support.deviceId(), support.seq(), support.clock(), support.type()));
        SupportRequest callMe = new SupportRequest(DEVICE, 46, CLOCK, SupportNeed.valueOf("CALL_ME"), true);
        assertEquals(List.of("call_me", true), List.of(callMe.need().wireName(), callMe.needChosen()));
        assertEquals(null, support.need());
        assertEquals(3, SupportNeed.values().length);
        List<EvidenceEvent> evidence = List.of(reading, missed, tamper, support);
        assertEquals(45, EvidenceEvent.checkSeq(evidence.get(3).seq()));
        assertThrows(IllegalArgumentException.class, () -> EvidenceEvent.checkSeq(EvidenceEvent.MAX_SEQUENCE + 1));

        DeviceStatus status = new DeviceStatus(DEVICE, CLOCK, true, 86_400, 45, 3, 4096, 64L << 20, 2L << 30,
                SensorState.valueOf("READY"), LocalDate.parse("2027-05-01"), "0.1.0", 7, List.of("clock_unsynchronised"));
        assertEquals(List.of(DEVICE, CLOCK, true, 86_400L, 45L, 3, 4096L, 64L << 20, 2L << 30, SensorState.READY,
                        LocalDate.parse("2027-05-01"), "0.1.0", 7L, List.of("clock_unsynchronised"), MessageType.STATUS),
                List.of(status.deviceId(), status.clock(), status.online(), status.uptimeSeconds(), status.lastSeq(),
                        status.outboxDepth(), status.outboxBytes(), status.outboxBudgetBytes(), status.diskFreeBytes(),
                        status.sensorState(), status.calibrationDue(), status.agentVersion(), status.configVersion(),
                        status.warnings(), status.type()));
        assertEquals("warming_up", SensorState.WARMING_UP.wireName());
        assertEquals(5, SensorState.values().length);

        byte[] jpeg = new byte[PhotoChunk.CHUNK_BYTES + 10];
        PhotoChunk chunk = new PhotoChunk(DEVICE, CLOCK, 41, Photos.sha256Hex(jpeg), jpeg.length, ReadingPhoto.JPEG, 1, 2,
                new byte[10]);
        assertTrue(chunk.last());
        assertArrayEquals(new byte[10], chunk.data());
        assertEquals(List.of(DEVICE, CLOCK, 41L, Photos.sha256Hex(jpeg), jpeg.length, "image/jpeg", 1, 2, MessageType.PHOTO),
                List.of(chunk.deviceId(), chunk.clock(), chunk.readingSeq(), chunk.sha256(), chunk.size(), chunk.mediaType(),
                        chunk.index(), chunk.count(), chunk.type()));
        assertEquals(chunk, new PhotoChunk(DEVICE, CLOCK, 41, Photos.sha256Hex(jpeg), jpeg.length, ReadingPhoto.JPEG, 1, 2,
                new byte[10]));
        assertEquals(chunk.hashCode(), chunk.hashCode());
        assertFalse(chunk.toString().isEmpty());
        assertTrue(PhotoChunk.MAX_CHUNKS * PhotoChunk.CHUNK_BYTES <= PhotoChunk.MAX_PHOTO_BYTES);
        List<DeviceMessage> fromDevices = List.of(reading, status, chunk);
        assertEquals(3, fromDevices.size());

        Ack.Entry stored = new Ack.Entry(41, Ack.Result.valueOf("STORED"), null);
        Ack.Entry quarantined = new Ack.Entry(42, Ack.Result.QUARANTINED, "bad_signature");
        Ack.PhotoEntry incomplete = new Ack.PhotoEntry(41, Ack.PhotoResult.INCOMPLETE, List.of(1));
        Ack.PhotoEntry photoStored = new Ack.PhotoEntry(41, Ack.PhotoResult.valueOf("STORED"));
        Ack ack = new Ack(DEVICE, T, List.of(stored, quarantined), List.of(incomplete, photoStored));
        assertEquals(new Ack(DEVICE, T, List.of(stored, quarantined)).entries(), ack.entries());
        assertEquals(List.of(DEVICE, T, MessageType.ACK), List.of(ack.deviceId(), ack.issued(), ack.type()));
        assertEquals(List.of(incomplete, photoStored), ack.photos());
        assertEquals(List.of(42L, "quarantined", "bad_signature"),
                List.of(quarantined.seq(), quarantined.result().wireName(), quarantined.reason()));
        assertEquals(List.of(41L, "incomplete", List.of(1)),
                List.of(incomplete.seq(), incomplete.result().wireName(), incomplete.missing()));
        assertFalse(incomplete.result().isFinal());
        assertTrue(Ack.MAX_ENTRIES > 0 && Ack.MAX_PHOTO_ENTRIES > 0);
        assertEquals(3, Ack.Result.values().length);
        assertEquals(9, Ack.PhotoResult.values().length);

        Schedule.Slot slot = new Schedule.Slot(LocalTime.of(8, 0), 30, 30);
        assertEquals(slot, Schedule.Slot.at(LocalTime.of(8, 0)));
        assertEquals(List.of(LocalTime.of(8, 0), 30, 30), List.of(slot.at(), slot.windowBeforeMin(), slot.windowAfterMin()));
        Schedule defaults = Schedule.withDefaults(ZoneId.of("Europe/Helsinki"), List.of(slot));
        Schedule schedule = new Schedule(defaults.zone(), defaults.slots(), defaults.remindersBeforeCloseMin(), defaults.retestDelayMin(),
                defaults.retestWindowMin(), defaults.maxRetests(), defaults.abstainMin());
        assertEquals(defaults, schedule);
        Schedule.RandomTests randomTests = new Schedule.RandomTests(2, LocalTime.of(9, 0), LocalTime.of(21, 0), 30);
        assertEquals(List.of(2, LocalTime.of(9, 0), LocalTime.of(21, 0), 30),
                List.of(randomTests.perDay(), randomTests.from(), randomTests.until(), randomTests.windowMin()));
        Schedule withRandom = schedule.withRandom(randomTests);
        assertEquals(randomTests, withRandom.random());
        assertEquals(withRandom, new Schedule(schedule.zone(), schedule.slots(), schedule.remindersBeforeCloseMin(),
                schedule.retestDelayMin(), schedule.retestWindowMin(), schedule.maxRetests(), schedule.abstainMin(), randomTests));
        TestRequest testRequest = new TestRequest(DEVICE, 3, T, T.plus(java.time.Duration.ofMinutes(30)));
        assertEquals(List.of(DEVICE, 3L, T, T.plus(java.time.Duration.ofMinutes(30)), MessageType.TEST_REQUEST),
                List.of(testRequest.deviceId(), testRequest.request(), testRequest.issued(), testRequest.until(), testRequest.type()));
        assertEquals(java.time.Duration.ofHours(4), TestRequest.MAX_WINDOW);
        ConfigUpdate config = new ConfigUpdate(DEVICE, 7, T, schedule, new BreathAlcohol(50), "fi", 1800);
        assertTrue(ConfigUpdate.LANGUAGES.contains(config.language()));
        assertEquals(List.of(DEVICE, 7L, T, schedule, new BreathAlcohol(50), 1800, MessageType.CONFIG),
                List.of(config.deviceId(), config.version(), config.issued(), config.schedule(), config.threshold(),
                        config.statusIntervalSeconds(), config.type()));
        ConfigUpdate prompts = new ConfigUpdate(DEVICE, 8, T, schedule, new BreathAlcohol(50), "fi", 1800, false, "se");
        assertEquals(List.of(false, "se"), List.of(prompts.speakResults(), prompts.audioLanguage()));
        assertEquals(null, config.speakResults());
        assertTrue(ConfigUpdate.AUDIO_LANGUAGE.matcher("smn").matches());

        SupportReply.Entry seen = SupportReply.Entry.seen(46, SupportReply.Role.valueOf("WORKER"), null, T.plusSeconds(3600));
        SupportReply.Entry closed = SupportReply.Entry.closed(45, SupportReply.Role.ON_CALL);
        SupportReply reply = new SupportReply(DEVICE, T, List.of(seen, closed));
        assertEquals(List.of(DEVICE, T, List.of(seen, closed), MessageType.SUPPORT_REPLY),
                List.of(reply.deviceId(), reply.issued(), reply.requests(), reply.type()));
        assertEquals(new SupportReply.Entry(46, SupportReply.State.SEEN, SupportReply.Role.WORKER, null, T.plusSeconds(3600)), seen);
        assertEquals(List.of(46L, "seen", "worker", T.plusSeconds(3600)),
                List.of(seen.seq(), seen.state().wireName(), seen.by().wireName(), seen.contactBefore()));
        assertEquals(null, seen.contactFrom());
        assertEquals(List.of("closed", "on_call"), List.of(closed.state().wireName(), closed.by().wireName()));
        assertEquals(2, SupportReply.State.values().length);
        assertEquals(3, SupportReply.Role.values().length);
        assertTrue(SupportReply.MAX_REQUESTS > 0);
        List<ReceiverMessage> fromReceiver = List.of(ack, config, reply);
        List<Message> all = new ArrayList<>(evidence);
        all.addAll(fromReceiver);
        assertTrue(all.stream().allMatch(m -> m.deviceId().equals(DEVICE)));
        assertTrue(Message.VERSION >= 1);
    }

    @Test
    void messages_are_encoded_signed_verified_and_decoded() throws Exception {
        SigningKey device = SigningKey.fromSeed(new KeyId(DEVICE, 1), seed(1));
        SigningKey receiver = SigningKey.fromSeed(KeyId.receiver(1), seed(101));
        SigningKey again = SigningKey.fromPem(device.keyId(), device.toPem());
        assertEquals(device.verificationKey(), again.verificationKey());
        assertEquals(device.keyId(), SigningKey.generate(device.keyId(), new SecureRandom()).keyId());
        assertFalse(device.toString().contains(device.toPem()), "the key's text does not show the private key");

        VerificationKey public1 = device.verificationKey();
        assertEquals(public1, VerificationKey.fromRaw(public1.keyId(), public1.raw()));
        assertEquals(public1, VerificationKey.fromPem(public1.keyId(), public1.toPem()));
        assertEquals(public1, VerificationKey.fromJwk(public1.keyId(), public1.toJwk()));
        assertEquals(public1.hashCode(), VerificationKey.fromRaw(public1.keyId(), public1.raw()).hashCode());
        assertFalse(public1.fingerprint().isEmpty());
        assertFalse(public1.toString().isEmpty());
        assertEquals(KeyType.ED25519, public1.type());
        assertEquals(public1, VerificationKey.fromRaw(public1.keyId(), KeyType.ED25519, public1.raw()));
        assertEquals(public1.withKeyId(new KeyId(DEVICE, 2)).keyId(), new KeyId(DEVICE, 2));

        SigningKey p256 = SigningKey.generateP256(new KeyId(DEVICE, 3), new SecureRandom());
        assertEquals(KeyType.P256, p256.type());
        assertFalse(p256.isExternal());
        assertEquals("ES256", KeyType.P256.jwsAlgorithm());
        assertTrue(KeyType.P256.accepts("ES256"));
        assertFalse(KeyType.P256.accepts(MessageSigner.ALG));
        SigningKey.EcdsaSha256Signer holder = data -> {
            java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
            s.initSign(java.security.KeyFactory.getInstance("EC").generatePrivate(
                    new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getMimeDecoder().decode(
                            p256.toPem().replaceAll("-----[A-Z ]+-----", "")))));
            s.update(data);
            return s.sign();
        };
        SigningKey external = SigningKey.external(p256.verificationKey(), holder);
        assertTrue(external.isExternal());
        SignedMessage es256 = new MessageSigner(external).sign(new SupportRequest(DEVICE, 46, CLOCK));
        assertEquals("ES256", es256.algorithm());
        assertEquals(es256, new MessageVerifier(KeyResolver.of(p256.verificationKey())).verify(es256.compact(), DEVICE));
        assertEquals(es256.message(), StoredJws.read(es256.compact()).message());
        assertTrue(Outcome.PASS.validSample());
        SigningKey failing = SigningKey.external(p256.verificationKey(), data -> {
            throw new java.io.IOException("the TPM does not answer");
        });
        assertThrows(SigningKey.SigningFailedException.class, () -> new MessageSigner(failing).sign(new SupportRequest(DEVICE, 47, CLOCK)));
        assertEquals("x", new SigningKey.SigningFailedException("x", null).getMessage());

        KeyId kid = KeyId.parse(DEVICE + ":1");
        assertEquals(new KeyId(DEVICE, 1), kid);
        assertEquals(List.of(DEVICE, 1), List.of(kid.owner(), kid.version()));
        assertEquals(DEVICE + ":1", kid.toString());
        assertTrue(KeyId.receiver(1).isReceiver());
        assertEquals(KeyId.RECEIVER, KeyId.receiver(1).owner());
        KeyResolver keys = KeyResolver.of(public1, receiver.verificationKey());
        assertEquals(public1, keys.find(kid).orElseThrow());

        SupportRequest support = new SupportRequest(DEVICE, 45, CLOCK);
        byte[] json = MessageJson.encode(support);
        MessageJson.Payload payload = MessageJson.decode(json);
        assertEquals(support, payload.message());
        assertEquals(Map.of(), payload.extensions());
        assertEquals(payload, new MessageJson.Payload(payload.message(), payload.extensions()));

        MessageSigner signer = new MessageSigner(device);
        assertEquals(device.keyId(), signer.keyId());
        SignedMessage signed = signer.sign(support);
        assertEquals(MessageSigner.ALG, signed.algorithm());
        assertArrayEquals(signed.compact().getBytes(StandardCharsets.US_ASCII), signed.bytes());
        assertArrayEquals(json, signed.payload());
        MessageVerifier verifier = new MessageVerifier(keys);
        SignedMessage verified = verifier.verify(signed.bytes(), DEVICE);
        assertEquals(verified, verifier.verify(signed.compact(), DEVICE));
        assertEquals(new SignedMessage(verified.compact(), verified.keyId(), verified.algorithm(), verified.message(),
                verified.extensions()), verified);
        assertTrue(MessageVerifier.ACCEPTED_ALGS.contains(MessageSigner.ALG));
        assertTrue(signed.bytes().length <= MessageVerifier.MAX_COMPACT_BYTES);
        InvalidMessageException forged = assertThrows(InvalidMessageException.class,
                () -> verifier.verify(signed.compact().substring(0, signed.compact().length() - 4) + "AAAA", DEVICE));
        assertEquals(Rejection.BAD_SIGNATURE, forged.rejection());
        assertEquals("bad_signature", Rejection.valueOf("BAD_SIGNATURE").code());
        assertEquals(20, Rejection.values().length);
        InvalidMessageException made = new InvalidMessageException(Rejection.MALFORMED_JSON, "detail");
        assertEquals(Rejection.MALFORMED_JSON,
                new InvalidMessageException(made.rejection(), "detail", new IllegalStateException()).rejection());

        String typ = "breathgate-key-rotation";
        byte[] request = "{\"type\":\"key_rotation\",\"device_id\":\"home-0001\",\"iat\":1795600000}".getBytes(StandardCharsets.UTF_8);
        DeviceRequests.Verified rotation = DeviceRequests.verify(DeviceRequests.sign(device, typ, request), typ, DEVICE, keys);
        assertEquals(kid, rotation.keyId());
        assertArrayEquals(request, rotation.payload());
        assertEquals(rotation.keyId(), new DeviceRequests.Verified(rotation.keyId(), rotation.payload()).keyId());
    }

    @Test
    void topics_ids_codes_and_photos_follow_the_documented_rules() {
        String uplink = Topics.uplink(DEVICE, MessageType.READING);
        assertTrue(uplink.startsWith(Topics.ROOT));
        Topics.Address address = Topics.parse(uplink).orElseThrow();
        assertEquals(new Topics.Address(DEVICE, MessageType.READING), address);
        assertEquals(List.of(DEVICE, MessageType.READING, uplink), List.of(address.deviceId(), address.type(), address.topic()));
        assertEquals(Topics.downlink(DEVICE, MessageType.ACK), Topics.parse(Topics.downlink(DEVICE, MessageType.ACK)).orElseThrow().topic());
        assertFalse(Topics.downlinkFilter(DEVICE).isEmpty());
        assertTrue(Topics.RECEIVER_SHARED_SUBSCRIPTION.contains(Topics.RECEIVER_GROUP));
        assertTrue(Topics.RECEIVER_SHARED_SUBSCRIPTION.endsWith(Topics.ALL_UPLINK));

        assertEquals(MessageType.READING, MessageType.fromWireName(MessageType.valueOf("READING").wireName()).orElseThrow());
        assertEquals(MessageType.Direction.DOWNLINK, MessageType.CONFIG.direction());
        assertTrue(MessageType.CONFIG.retained());
        assertEquals(MessageType.QOS, MessageType.READING.qos());
        assertEquals(10, MessageType.values().length);
        assertTrue(MessageType.TEST_REQUEST.retained());
        assertTrue(MessageType.SUPPORT_REPLY.retained());
        assertEquals(MessageType.Direction.UPLINK, MessageType.Direction.valueOf("UPLINK"));
        assertEquals(2, MessageType.Direction.values().length);

        assertTrue(DeviceIds.isValid(DEVICE));
        assertEquals(DEVICE, DeviceIds.check(DEVICE));

        EnrollmentCode code = EnrollmentCode.generate(new SecureRandom());
        assertEquals(code, EnrollmentCode.parse(code.toString().toLowerCase(java.util.Locale.ROOT)));
        assertEquals(code.hashCode(), EnrollmentCode.parse(code.toString()).hashCode());
        assertEquals(32, EnrollmentCode.ALPHABET.length());

        byte[] jpeg = new byte[2 * PhotoChunk.CHUNK_BYTES + 1];
        ReadingPhoto.Taken statement = Photos.statementOf(jpeg);
        assertEquals(Photos.sha256Hex(jpeg), statement.sha256());
        assertTrue(Photos.matches(statement, jpeg));
        List<PhotoChunk> chunks = Photos.split(DEVICE, CLOCK, 41, jpeg);
        assertEquals(3, chunks.size());
        assertEquals(chunks.get(2), Photos.chunk(DEVICE, CLOCK, 41, jpeg, 2));
    }

    @Test
    void the_public_face_is_these_types_and_no_more() {
        TreeSet<String> expected = new TreeSet<>(Set.of(
                "org.breathgate.protocol.AbortReason", "org.breathgate.protocol.Ack", "org.breathgate.protocol.Ack$Entry",
                "org.breathgate.protocol.Ack$PhotoEntry", "org.breathgate.protocol.Ack$PhotoResult",
                "org.breathgate.protocol.Ack$Result", "org.breathgate.protocol.BreathAlcohol", "org.breathgate.protocol.ClockFacts",
                "org.breathgate.protocol.ConfigUpdate", "org.breathgate.protocol.DeviceIds", "org.breathgate.protocol.DeviceMessage",
                "org.breathgate.protocol.DeviceRequests", "org.breathgate.protocol.DeviceRequests$Verified",
                "org.breathgate.protocol.DeviceStatus", "org.breathgate.protocol.EnrollmentCode",
                "org.breathgate.protocol.EvidenceEvent", "org.breathgate.protocol.InvalidMessageException",
                "org.breathgate.protocol.KeyId", "org.breathgate.protocol.KeyResolver", "org.breathgate.protocol.KeyType", "org.breathgate.protocol.Message",
                "org.breathgate.protocol.MessageJson", "org.breathgate.protocol.MessageJson$Payload",
                "org.breathgate.protocol.MessageSigner", "org.breathgate.protocol.MessageType",
                "org.breathgate.protocol.MessageType$Direction", "org.breathgate.protocol.MessageVerifier",
                "org.breathgate.protocol.MissedTest", "org.breathgate.protocol.Outcome", "org.breathgate.protocol.PerMilleFactor",
                "org.breathgate.protocol.PhotoAbsence", "org.breathgate.protocol.PhotoChunk", "org.breathgate.protocol.Reading",
                "org.breathgate.protocol.ReadingPhoto", "org.breathgate.protocol.ReadingPhoto$NotTaken",
                "org.breathgate.protocol.ReadingPhoto$Taken", "org.breathgate.protocol.ReceiverMessage",
                "org.breathgate.protocol.Rejection", "org.breathgate.protocol.Schedule", "org.breathgate.protocol.Schedule$Slot",
                "org.breathgate.protocol.Schedule$RandomTests", "org.breathgate.protocol.TestRequest",
                "org.breathgate.protocol.TestReason$Random", "org.breathgate.protocol.TestReason$Requested",
                "org.breathgate.protocol.SensorFacts", "org.breathgate.protocol.SensorState", "org.breathgate.protocol.SignedMessage",
                "org.breathgate.protocol.SigningKey", "org.breathgate.protocol.SigningKey$EcdsaSha256Signer",
                "org.breathgate.protocol.SigningKey$SigningFailedException", "org.breathgate.protocol.StoredJws", "org.breathgate.protocol.SupportNeed",
                "org.breathgate.protocol.SupportReply", "org.breathgate.protocol.SupportReply$Entry",
                "org.breathgate.protocol.SupportReply$Role", "org.breathgate.protocol.SupportReply$State",
                "org.breathgate.protocol.SupportRequest", "org.breathgate.protocol.TamperEvent",
                "org.breathgate.protocol.TamperKind", "org.breathgate.protocol.TestReason",
                "org.breathgate.protocol.TestReason$OnDemand", "org.breathgate.protocol.TestReason$Retest",
                "org.breathgate.protocol.TestReason$Scheduled", "org.breathgate.protocol.Topics",
                "org.breathgate.protocol.Topics$Address", "org.breathgate.protocol.VerificationKey",
                "org.breathgate.protocol.photo.Photos"));
        TreeSet<String> actual = new TreeSet<>();
        for (String pkg : API_PACKAGES) {
            actual.addAll(PublicFace.publicTypes(Message.class, pkg));
        }
        assertEquals(expected, actual, "the public types of the protocol changed: if that is meant, add or remove them here, "
                + "call their entry points above and update docs/protocol.md; else make the class package-private");
    }

    @Test
    void no_public_signature_hands_out_a_class_that_is_not_api() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (String pkg : API_PACKAGES) {
            for (String type : PublicFace.publicTypes(Message.class, pkg)) {
                leaks.addAll(PublicFace.hiddenTypesInSignatures(Class.forName(type)));
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static final List<String> API_PACKAGES = List.of("org.breathgate.protocol", "org.breathgate.protocol.photo");
}
