package org.breathgate.protocol;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The largest valid message of each type, with the longest ids and texts, fits the 16 KiB limit. */
class SizeLimitTest {

    private static final String LONGEST_DEVICE = "d" + "9".repeat(62);
    private static final String WIDE = "€"; // three bytes in UTF-8: the widest a Java char gets
    private static final ClockFacts CLOCK = new ClockFacts(Instant.parse("2026-11-25T06:02:11.250Z"), "b".repeat(64),
            Long.MAX_VALUE, false);

    /** Signed with an Ed25519 key and with a P-256 key (ES256): both must fit. */
    private static void assertFits(Message message) throws InvalidMessageException {
        KeyId kid = message instanceof ReceiverMessage ? new KeyId(KeyId.RECEIVER, 999_999_999) : new KeyId(LONGEST_DEVICE, 999_999_999);
        for (SigningKey key : new SigningKey[] {SigningKey.fromSeed(kid, Samples.seed(message instanceof ReceiverMessage ? 9 : 5)),
                Samples.p256Key(kid)}) {
            SignedMessage signed = new MessageSigner(key).sign(message);
            assertTrue(signed.bytes().length <= MessageVerifier.MAX_COMPACT_BYTES, key.type() + ": " + signed.bytes().length + " bytes");
            new MessageVerifier(KeyResolver.of(key.verificationKey())).verify(signed.bytes(), key.keyId().owner());
        }
    }

    @Test
    void the_largest_ack_fits() throws Exception {
        List<Ack.Entry> entries = new ArrayList<>();
        for (int i = 0; i < Ack.MAX_ENTRIES; i++) {
            entries.add(new Ack.Entry(EvidenceEvent.MAX_SEQUENCE - i, Ack.Result.QUARANTINED, "q".repeat(48)));
        }
        assertFits(new Ack(LONGEST_DEVICE, Instant.parse("2026-11-25T06:02:11.250Z"), entries));
    }

    @Test
    void the_largest_status_fits() throws Exception {
        assertFits(new DeviceStatus(LONGEST_DEVICE, CLOCK, true, Long.MAX_VALUE, EvidenceEvent.MAX_SEQUENCE, Integer.MAX_VALUE,
                Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, SensorState.WARMING_UP, LocalDate.MAX, WIDE.repeat(64),
                Long.MAX_VALUE, Collections.nCopies(32, WIDE.repeat(64))));
    }

    @Test
    void the_largest_tamper_event_and_reading_fit() throws Exception {
        assertFits(new TamperEvent(LONGEST_DEVICE, EvidenceEvent.MAX_SEQUENCE, CLOCK, TamperKind.DEVICE_INTEGRITY, WIDE.repeat(500)));
        assertFits(new Reading(LONGEST_DEVICE, EvidenceEvent.MAX_SEQUENCE, CLOCK,
                new TestReason.Retest(EvidenceEvent.MAX_SEQUENCE - 1, 1, Integer.MAX_VALUE), Outcome.INVALID_SAMPLE,
                new BreathAlcohol(10_000), new BreathAlcohol(10_000), null, 600_000, -600,
                new SensorFacts(WIDE.repeat(64), WIDE.repeat(64), LocalDate.MAX)));
    }

    @Test
    void the_largest_config_fits() throws Exception {
        List<Schedule.Slot> slots = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            slots.add(new Schedule.Slot(LocalTime.of(h, 59), 120, 120));
        }
        Schedule schedule = new Schedule(ZoneId.of("America/Argentina/ComodRivadavia"), slots,
                Collections.nCopies(8, 240), 240, 240, 20, 120,
                new Schedule.RandomTests(12, LocalTime.of(0, 0), LocalTime.of(23, 59), 115));
        assertFits(new ConfigUpdate(LONGEST_DEVICE, Long.MAX_VALUE, Instant.parse("2026-11-25T06:02:11.250Z"), schedule,
                new BreathAlcohol(10_000), "sv", 86_400, false, "smn"));
    }

    @Test
    void the_largest_support_request_and_support_reply_fit() throws Exception {
        assertFits(new SupportRequest(LONGEST_DEVICE, EvidenceEvent.MAX_SEQUENCE, CLOCK, SupportNeed.DEVICE_PROBLEM, false));
        List<SupportReply.Entry> entries = new ArrayList<>();
        for (int i = 0; i < SupportReply.MAX_REQUESTS; i++) {
            entries.add(SupportReply.Entry.seen(EvidenceEvent.MAX_SEQUENCE - i, SupportReply.Role.TECHNICIAN,
                    Instant.parse("2026-11-25T06:02:11.251Z"), Instant.parse("2026-11-26T06:02:11.252Z")));
        }
        assertFits(new SupportReply(LONGEST_DEVICE, Instant.parse("2026-11-25T06:02:11.250Z"), entries));
    }

    @Test
    void the_largest_test_request_fits() throws Exception {
        Instant issued = Instant.parse("2026-11-25T06:02:11.250Z");
        assertFits(new TestRequest(LONGEST_DEVICE, Long.MAX_VALUE, issued, issued.plus(TestRequest.MAX_WINDOW)));
    }

    @Test
    void random_and_requested_reasons_fit_in_the_largest_missed_test() throws Exception {
        Instant at = Instant.parse("2026-11-25T06:02:11Z");
        assertFits(new MissedTest(LONGEST_DEVICE, EvidenceEvent.MAX_SEQUENCE, CLOCK, new TestReason.Random(at), at, at.plusSeconds(7200),
                Integer.MAX_VALUE));
        assertFits(new MissedTest(LONGEST_DEVICE, EvidenceEvent.MAX_SEQUENCE, CLOCK, new TestReason.Requested(Long.MAX_VALUE), at,
                at.plusSeconds(7200), Integer.MAX_VALUE));
    }
}
