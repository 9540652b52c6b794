package org.breathgate.protocol;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/** Fixed keys and messages for the protocol's tests. */
final class Samples {

    static final String DEVICE = "home-0001";
    static final ClockFacts CLOCK = new ClockFacts(Instant.parse("2026-11-25T06:02:11.250Z"),
            "5b1e8f0c-3c1a-4f7e-9d55-2f6a0c9e1b42", 3_600_123, true);
    static final SensorFacts SENSOR = new SensorFacts("BG-FC1", "SIM-000123", LocalDate.parse("2027-05-01"));

    private Samples() {
    }

    /** Seed bytes 0x01..0x20: a key anyone can recreate. For tests and the documentation only. */
    static byte[] seed(int first) {
        byte[] seed = new byte[32];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (byte) (first + i);
        }
        return seed;
    }

    static SigningKey deviceKey() {
        return SigningKey.fromSeed(new KeyId(DEVICE, 1), seed(1));
    }

    /** The published ES256 test key of docs/test-vectors/reading-2-es256.json (scalar bytes 0x01..0x20), as {@code kid}. */
    static SigningKey p256Key(KeyId kid) {
        return SigningKey.fromPem(kid, """
                -----BEGIN PRIVATE KEY-----
                MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQgAQIDBAUGBwgJCgsM
                DQ4PEBESExQVFhcYGRobHB0eHyCgCgYIKoZIzj0DAQehRANCAARRXD1uueOWuQTT
                /sp/VP3NDMHpl783XcpRWtCmw7QDX0U2vjpQ8xj7+aVHWQKiIVAr7w1X4IxTsswK
                VvF9n5NU
                -----END PRIVATE KEY-----
                """);
    }

    static SigningKey receiverKey() {
        return SigningKey.fromSeed(KeyId.receiver(1), seed(101));
    }

    static Reading positive(long seq) {
        return new Reading(DEVICE, seq, CLOCK, new TestReason.Scheduled(Instant.parse("2026-11-25T06:00:00Z"), false),
                Outcome.FAIL, new BreathAlcohol(230), new BreathAlcohol(100), null, 5100, 342, SENSOR);
    }

    static Reading sober(long seq) {
        return new Reading(DEVICE, seq, CLOCK, new TestReason.OnDemand(), Outcome.PASS, new BreathAlcohol(0),
                new BreathAlcohol(100), null, 4800, null, SENSOR);
    }

    static List<Message> oneOfEach() {
        return List.of(
                positive(41),
                new Reading(DEVICE, 42, CLOCK, new TestReason.Retest(41, 41, 1), Outcome.ABORTED, null,
                        new BreathAlcohol(100), AbortReason.BLOW_TOO_SHORT, 900, null, SENSOR),
                new MissedTest(DEVICE, 43, CLOCK, new TestReason.Scheduled(Instant.parse("2026-11-25T18:00:00Z"), false),
                        Instant.parse("2026-11-25T17:30:00Z"), Instant.parse("2026-11-25T18:30:00Z"), 2),
                new TamperEvent(DEVICE, 44, CLOCK, TamperKind.SENSOR_DISCONNECTED, "serial port /dev/ttyUSB0 went silent"),
                new SupportRequest(DEVICE, 45, CLOCK),
                new SupportRequest(DEVICE, 46, CLOCK, SupportNeed.CALL_ME, true),
                new SupportRequest(DEVICE, 47, CLOCK, SupportNeed.HELP_NOW, false),
                new DeviceStatus(DEVICE, CLOCK, true, 86_400, 45, 3, 4096, 64L << 20, 2L << 30, SensorState.READY,
                        LocalDate.parse("2027-05-01"), "0.1.0", 7, List.of("clock_unsynchronised"), 5_400L),
                new Ack(DEVICE, Instant.parse("2026-11-25T06:02:12.001Z"), List.of(
                        new Ack.Entry(41, Ack.Result.STORED, null),
                        new Ack.Entry(42, Ack.Result.DUPLICATE, null),
                        new Ack.Entry(43, Ack.Result.QUARANTINED, "seq_reused"))),
                new ConfigUpdate(DEVICE, 7, Instant.parse("2026-11-24T12:00:00Z"),
                        Schedule.withDefaults(ZoneId.of("Europe/Helsinki"),
                                List.of(Schedule.Slot.at(LocalTime.of(8, 0)), new Schedule.Slot(LocalTime.of(20, 0), 15, 45))),
                        new BreathAlcohol(100), "fi", 300),
                new ConfigUpdate(DEVICE, 8, Instant.parse("2026-11-24T12:00:00Z"),
                        Schedule.withDefaults(ZoneId.of("Europe/Helsinki"), List.of(Schedule.Slot.at(LocalTime.of(8, 0)))),
                        new BreathAlcohol(100), "fi", 1800, false, "se"),
                supportReply(),
                new ConfigUpdate(DEVICE, 9, Instant.parse("2026-11-24T12:00:00Z"),
                        Schedule.withDefaults(ZoneId.of("Europe/Helsinki"), List.of(Schedule.Slot.at(LocalTime.of(8, 0))))
                                .withRandom(new Schedule.RandomTests(2, LocalTime.of(9, 0), LocalTime.of(21, 0), 30)),
                        new BreathAlcohol(100), "sv", 1800),
                new TestRequest(DEVICE, 3, Instant.parse("2026-11-25T10:00:00.125Z"), Instant.parse("2026-11-25T10:30:00Z")),
                new MissedTest(DEVICE, 46, CLOCK, new TestReason.Random(Instant.parse("2026-11-25T13:17:00Z")),
                        Instant.parse("2026-11-25T13:17:00Z"), Instant.parse("2026-11-25T13:47:00Z"), 0),
                new Reading(DEVICE, 47, CLOCK, new TestReason.Requested(3), Outcome.PASS, BreathAlcohol.ZERO,
                        new BreathAlcohol(100), null, 4_000, null, SENSOR));
    }

    /** Request 46 seen by its worker, a call expected before 16:00 Helsinki time; request 45 closed. */
    static SupportReply supportReply() {
        return new SupportReply(DEVICE, Instant.parse("2026-11-25T08:10:00.125Z"), List.of(
                SupportReply.Entry.seen(46, SupportReply.Role.WORKER, null, Instant.parse("2026-11-25T14:00:00Z")),
                SupportReply.Entry.closed(45, SupportReply.Role.ON_CALL)));
    }
}
