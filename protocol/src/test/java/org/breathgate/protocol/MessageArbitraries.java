package org.breathgate.protocol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/** Generators of valid messages of every type, for property tests. */
final class MessageArbitraries {

    private static final Instant EARLIEST = Instant.parse("2020-01-01T00:00:00Z");

    private MessageArbitraries() {
    }

    static Arbitrary<Message> messages() {
        return Arbitraries.oneOf(readings(), missedTests(), tampers(), supportRequests(), statuses(), acks(), configs(), supportReplies());
    }

    static Arbitrary<String> deviceIds() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-").ofMinLength(2).ofMaxLength(20)
                .map(s -> "d" + s).filter(DeviceIds::isValid);
    }

    static Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(0, 20L * 365 * 24 * 3600 * 1000).map(EARLIEST::plusMillis);
    }

    static Arbitrary<ClockFacts> clocks() {
        return Combinators.combine(instants(),
                Arbitraries.strings().withChars("0123456789abcdef-").ofMinLength(1).ofMaxLength(36),
                Arbitraries.longs().between(0, 1L << 40), Arbitraries.of(true, false)).as(ClockFacts::new);
    }

    static Arbitrary<Long> seqs() {
        return Arbitraries.longs().between(2, EvidenceEvent.MAX_SEQUENCE);
    }

    static Arbitrary<String> texts(int max) {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(max)
                .filter(s -> !s.isBlank() && s.chars().noneMatch(Character::isISOControl));
    }

    static Arbitrary<SensorFacts> sensors() {
        return Combinators.combine(texts(64), texts(64),
                Arbitraries.integers().between(0, 4000).map(d -> LocalDate.of(2025, 1, 1).plusDays(d)).injectNull(0.3))
                .as(SensorFacts::new);
    }

    static Arbitrary<TestReason> reasons(long seq) {
        Arbitrary<TestReason> scheduled = Combinators.combine(instants(), Arbitraries.of(true, false)).as(TestReason.Scheduled::new);
        Arbitrary<TestReason> retest = Arbitraries.longs().between(1, seq - 1).flatMap(of ->
                Combinators.combine(Arbitraries.longs().between(1, of), Arbitraries.integers().between(1, 20))
                        .as((start, attempt) -> new TestReason.Retest(of, start, attempt)));
        return Arbitraries.oneOf(scheduled, retest, Arbitraries.just(new TestReason.OnDemand()));
    }

    static Arbitrary<Message> readings() {
        return Combinators.combine(deviceIds(), seqs(), clocks(), sensors(), Arbitraries.of(Outcome.class),
                Arbitraries.integers().between(1, 1000), Arbitraries.integers().between(0, 10_000),
                Arbitraries.of(AbortReason.class)).flatAs((device, seq, clock, sensor, outcome, threshold, value, abort) ->
                Combinators.combine(reasons(seq), Arbitraries.integers().between(0, 600_000).injectNull(0.2),
                        Arbitraries.integers().between(-600, 1200).injectNull(0.5), Arbitraries.of(true, false))
                        .as((reason, blowMs, temp, withValue) -> {
                            BreathAlcohol limit = new BreathAlcohol(threshold);
                            BreathAlcohol brac = null;
                            AbortReason why = null;
                            switch (outcome) {
                                case PASS -> brac = withValue ? new BreathAlcohol(value % threshold) : null;
                                case FAIL -> brac = withValue ? new BreathAlcohol(Math.max(value, threshold)) : null;
                                case ABORTED -> why = abort;
                                case INVALID_SAMPLE -> {
                                    brac = withValue ? new BreathAlcohol(value) : null;
                                    why = withValue ? null : abort;
                                }
                            }
                            return new Reading(device, seq, clock, reason, outcome, brac, limit, why, blowMs, temp, sensor);
                        }));
    }

    static Arbitrary<Message> missedTests() {
        return Combinators.combine(deviceIds(), seqs(), clocks(), instants(), Arbitraries.longs().between(0, 7200),
                Arbitraries.integers().between(0, 50)).flatAs((device, seq, clock, opened, length, attempts) ->
                reasons(seq).filter(r -> !(r instanceof TestReason.OnDemand)).map(reason ->
                        new MissedTest(device, seq, clock, reason, opened, opened.plusSeconds(length), attempts)));
    }

    static Arbitrary<Message> tampers() {
        return Combinators.combine(deviceIds(), seqs(), clocks(), Arbitraries.of(TamperKind.class), texts(500))
                .as(TamperEvent::new);
    }

    static Arbitrary<Message> supportRequests() {
        return Combinators.combine(deviceIds(), seqs(), clocks(), Arbitraries.of(SupportNeed.class).injectNull(0.3),
                Arbitraries.of(true, false)).as((device, seq, clock, need, chosen) ->
                new SupportRequest(device, seq, clock, need, need != null && chosen));
    }

    static Arbitrary<Message> supportReplies() {
        Arbitrary<SupportReply.Entry> entries = Combinators.combine(seqs(), Arbitraries.of(SupportReply.State.class),
                Arbitraries.of(SupportReply.Role.class), instants().injectNull(0.4), Arbitraries.longs().between(1, 7L * 24 * 3600))
                .as((seq, state, by, from, length) -> state == SupportReply.State.CLOSED ? SupportReply.Entry.closed(seq, by)
                        : SupportReply.Entry.seen(seq, by, from, (from == null ? EARLIEST : from).plusSeconds(length)));
        return Combinators.combine(deviceIds(), instants(),
                entries.list().ofMinSize(1).ofMaxSize(SupportReply.MAX_REQUESTS).uniqueElements(SupportReply.Entry::seq))
                .as(SupportReply::new);
    }

    static Arbitrary<Message> statuses() {
        Arbitrary<Long> counts = Arbitraries.longs().between(0, 1L << 40);
        return Combinators.combine(deviceIds(), clocks(), Arbitraries.of(true, false), counts, seqs(),
                Arbitraries.integers().between(0, 1_000_000), counts, counts).flatAs((device, clock, online, uptime, last, depth, bytes, budget) ->
                Combinators.combine(counts, Arbitraries.of(SensorState.class),
                        Arbitraries.integers().between(0, 4000).map(d -> LocalDate.of(2025, 1, 1).plusDays(d)).injectNull(0.3),
                        texts(64), counts, texts(64).list().ofMaxSize(5), counts.injectNull(0.3))
                        .as((free, state, due, version, config, warnings, oldest) -> new DeviceStatus(device, clock, online, uptime,
                                last, depth, bytes, budget, free, state, due, version, config, warnings, oldest)));
    }

    static Arbitrary<Message> acks() {
        Arbitrary<String> codes = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789_").ofMinLength(1).ofMaxLength(48);
        Arbitrary<Ack.Entry> entries = Combinators.combine(seqs(), Arbitraries.of(Ack.Result.class), codes)
                .as((seq, result, reason) -> new Ack.Entry(seq, result, result == Ack.Result.QUARANTINED ? reason : null));
        return Combinators.combine(deviceIds(), instants(), entries.list().ofMinSize(1).ofMaxSize(Ack.MAX_ENTRIES))
                .as(Ack::new);
    }

    static Arbitrary<Message> configs() {
        Arbitrary<Schedule.Slot> slots = Combinators.combine(Arbitraries.integers().between(0, 1439),
                Arbitraries.integers().between(0, 120), Arbitraries.integers().between(1, 120))
                .as((minute, before, after) -> new Schedule.Slot(LocalTime.ofSecondOfDay(minute * 60L), before, after));
        Arbitrary<Schedule> schedules = Combinators.combine(
                Arbitraries.of("Europe/Helsinki", "Europe/Stockholm", "UTC").map(ZoneId::of),
                slots.list().ofMaxSize(24), Arbitraries.integers().between(1, 240).list().ofMaxSize(8),
                Arbitraries.integers().between(1, 240), Arbitraries.integers().between(1, 240),
                Arbitraries.integers().between(0, 20), Arbitraries.integers().between(0, 120)).as(Schedule::new);
        return Combinators.combine(deviceIds(), Arbitraries.longs().between(1, 1L << 40), instants(), schedules,
                Arbitraries.integers().between(1, 10_000), Arbitraries.of("fi", "sv", "en"),
                Arbitraries.integers().between(30, 86_400),
                Combinators.combine(Arbitraries.of(true, false).injectNull(0.4), Arbitraries.of("fi", "se", "smn", "sms").injectNull(0.5))
                        .as(net.jqwik.api.Tuple::of))
                .as((device, version, issued, schedule, threshold, language, interval, prompts) ->
                        new ConfigUpdate(device, version, issued, schedule, new BreathAlcohol(threshold), language, interval,
                                prompts.get1(), prompts.get2()));
    }

    static List<Message> fixed() {
        return Samples.oneOfEach();
    }
}
