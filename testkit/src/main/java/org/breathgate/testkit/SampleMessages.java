package org.breathgate.testkit;

import org.breathgate.protocol.AbortReason;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.Message;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.SensorState;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.TestReason;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * Valid sample messages of one device, stamped with the time of a given {@link Clock}. Immutable:
 * {@link #at(Instant)} and {@link #withClock(Clock)} return a new instance.
 *
 * <pre>{@code
 * SampleMessages home = SampleMessages.of("home-0001");
 * SignedMessage first = home.sign(home.soberReading(1));
 * }</pre>
 */
public final class SampleMessages {

    /** Default wall time of the samples: a Monday morning, 07:00 UTC (09:00 in Finland). */
    public static final Instant T0 = Instant.parse("2026-03-02T07:00:00Z");

    /** The threshold every sample reading is compared with: 100 µg/L (0.1 mg/L). */
    public static final BreathAlcohol THRESHOLD = new BreathAlcohol(100);

    /** The value of {@link #positiveReading(long)}: 250 µg/L. */
    public static final BreathAlcohol POSITIVE_VALUE = new BreathAlcohol(250);

    /** The boot id of the samples' clock facts. */
    public static final String BOOT_ID = "3f6c2a8e-5b1d-4e7a-9c0f-1a2b3c4d5e6f";

    private static final SensorFacts SENSOR = new SensorFacts("AL-7000", "SN-000123", LocalDate.of(2026, 12, 31));

    private final String deviceId;
    private final Clock clock;
    private final Instant bootedAt;

    private SampleMessages(String deviceId, Clock clock, Instant bootedAt) {
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.bootedAt = Objects.requireNonNull(bootedAt, "bootedAt");
    }

    /** Samples of {@code deviceId} at {@link #T0}, booted an hour before. */
    public static SampleMessages of(String deviceId) {
        return new SampleMessages(deviceId, Clock.fixed(T0, ZoneOffset.UTC), T0.minus(Duration.ofHours(1)));
    }

    /** The same device, stamped with the current time of {@code clock}. */
    public SampleMessages withClock(Clock clock) {
        return new SampleMessages(deviceId, clock, bootedAt);
    }

    /** The same device, stamped with {@code wall}. */
    public SampleMessages at(Instant wall) {
        return withClock(Clock.fixed(wall, ZoneOffset.UTC));
    }

    public String deviceId() {
        return deviceId;
    }

    /** Clock facts for now: synchronised, the fixed boot id, monotonic time since the boot instant. */
    public ClockFacts clockFacts() {
        Instant now = clock.instant();
        long mono = Math.max(0, Duration.between(bootedAt, now).toMillis());
        return new ClockFacts(now, BOOT_ID, mono, true);
    }

    /** A scheduled test that passed with 0 µg/L. */
    public Reading soberReading(long seq) {
        return new Reading(deviceId, seq, clockFacts(), scheduledSlot(), Outcome.PASS, BreathAlcohol.ZERO, THRESHOLD,
                null, 4_200, 215, SENSOR);
    }

    /** A scheduled test that failed with {@link #POSITIVE_VALUE}. */
    public Reading positiveReading(long seq) {
        return new Reading(deviceId, seq, clockFacts(), scheduledSlot(), Outcome.FAIL, POSITIVE_VALUE, THRESHOLD,
                null, 4_500, 218, SENSOR);
    }

    /** A sober retest of reading {@code of}, the first retest of the chain that started there. */
    public Reading soberRetest(long seq, long of) {
        return new Reading(deviceId, seq, clockFacts(), new TestReason.Retest(of, of, 1), Outcome.PASS, BreathAlcohol.ZERO,
                THRESHOLD, null, 4_100, 214, SENSOR);
    }

    /** A test aborted because the blow was too short. */
    public Reading abortedReading(long seq) {
        return new Reading(deviceId, seq, clockFacts(), new TestReason.OnDemand(), Outcome.ABORTED, null, THRESHOLD,
                AbortReason.BLOW_TOO_SHORT, 800, 212, SENSOR);
    }

    /** A scheduled test whose 30-minute window closed with no valid sample. */
    public MissedTest missedTest(long seq) {
        Instant now = clock.instant();
        return new MissedTest(deviceId, seq, clockFacts(), scheduledSlot(), now.minus(Duration.ofMinutes(30)), now, 0);
    }

    /** The sensor stopped answering. */
    public TamperEvent tamper(long seq) {
        return new TamperEvent(deviceId, seq, clockFacts(), TamperKind.SENSOR_DISCONNECTED, "serial port vanished");
    }

    /** The parent pressed "I need support". */
    public SupportRequest supportRequest(long seq) {
        return new SupportRequest(deviceId, seq, clockFacts());
    }

    /** An online heartbeat reporting {@code lastSeq} as the highest sequence number assigned, and an empty outbox. */
    public DeviceStatus status(long lastSeq) {
        return status(lastSeq, 0, 0);
    }

    /**
     * An online heartbeat reporting {@code lastSeq}, {@code outboxDepth} events waiting for their ack, the oldest of them
     * for {@code oldestSeconds}.
     */
    public DeviceStatus status(long lastSeq, int outboxDepth, long oldestSeconds) {
        return new DeviceStatus(deviceId, clockFacts(), true, 3_600, lastSeq, outboxDepth, outboxDepth * 1_200L, 50_000_000,
                2_000_000_000L, SensorState.READY, SENSOR.calibrationDue(), "0.1.0-test", 0, List.of(), oldestSeconds);
    }

    /** Signs {@code message} with {@link TestKeys#device(String)} of this device. */
    public SignedMessage sign(Message message) {
        return new MessageSigner(TestKeys.device(deviceId)).sign(message);
    }

    private TestReason.Scheduled scheduledSlot() {
        Instant now = clock.instant();
        return new TestReason.Scheduled(now.minusSeconds(now.getEpochSecond() % 3600), false);
    }
}
