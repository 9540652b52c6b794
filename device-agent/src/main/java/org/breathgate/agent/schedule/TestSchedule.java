package org.breathgate.agent.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.HexFormat;
import java.util.Random;
import java.security.SecureRandom;
import java.time.LocalTime;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.breathgate.agent.schedule.ScheduleCommand.ChainCleared;
import org.breathgate.agent.schedule.ScheduleCommand.ChainLimitReached;
import org.breathgate.agent.schedule.ScheduleCommand.RecordMissed;
import org.breathgate.agent.schedule.ScheduleCommand.Remind;
import org.breathgate.agent.schedule.ScheduleCommand.RetestDue;
import org.breathgate.agent.schedule.ScheduleCommand.RetestScheduled;
import org.breathgate.agent.schedule.ScheduleCommand.StartTest;
import org.breathgate.agent.schedule.ScheduleCommand.WindowOpened;
import org.breathgate.agent.schedule.ScheduleState.LateSlot;
import org.breathgate.agent.schedule.ScheduleState.OpenWindow;
import org.breathgate.agent.schedule.ScheduleState.RequestWindow;
import org.breathgate.agent.schedule.ScheduleState.RetestChain;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.TestReason;

/**
 * The test schedule as a state machine: clock ticks, test results, button presses and new rules
 * go in; {@link ScheduleCommand}s come out. It never reads a clock, sleeps or does I/O, so every
 * rule is tested by handing it instants.
 *
 * <p>Windows are keyed on wall time in the schedule's zone, and each is identified by its slot
 * time. Two rules keep a wrong or jumping clock from doing harm:
 * <ul>
 *   <li>A window whose slot is at or before {@link ScheduleState#resolvedThrough()} is never opened
 *       again, so a clock that goes back cannot make a duplicate window.</li>
 *   <li>Windows the clock skipped over in a jump are not each reported missed: the agent calls
 *       {@link #clockJumped} instead of {@link #tick}, which marks them done silently (the agent
 *       records one {@code CLOCK_JUMP} tamper event that explains the gap). A plain gap between
 *       ticks, such as the agent being down, reports each window that closed in it as missed,
 *       but only for gaps up to {@link #MAX_CATCH_UP}; longer ones are treated like a jump.</li>
 * </ul>
 *
 * <p>Random tests ({@link Schedule#random()}) are windows like a slot's, drawn for each day with HMAC-SHA256 keyed by the
 * device's own secret ({@link ScheduleState#randomSecret()}, made once from the {@link SecureRandom} passed in, never sent):
 * nobody can predict them from the configuration, a restart draws the same ones, and none is announced before its window
 * opens. A worker's test request ({@link #requestTest}) opens a window of its own at once.
 *
 * <p>Not thread-safe: the agent calls it from one thread.
 */
public final class TestSchedule {

    /** The longest gap between ticks whose closed windows are each reported missed. */
    public static final Duration MAX_CATCH_UP = Duration.ofHours(24);

    private ScheduleRules rules;
    private Instant lastTick;
    private Instant resolvedThrough;
    private OpenWindow open;
    private LateSlot late;
    private RetestChain chain;
    private RequestWindow request;
    private long lastRequest;
    private final String randomSecret;

    /** A schedule continuing from {@code state} (use {@link ScheduleState#EMPTY} the first time). */
    public TestSchedule(ScheduleRules rules, ScheduleState state) {
        this(rules, state, new SecureRandom());
    }

    /**
     * A schedule continuing from {@code state}; {@code random} makes the device's secret for random tests if the state has none
     * yet (a {@link SecureRandom}: the secret is what makes random tests unpredictable).
     */
    public TestSchedule(ScheduleRules rules, ScheduleState state, Random random) {
        this.rules = Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(state, "state");
        this.lastTick = state.lastTick();
        this.resolvedThrough = state.resolvedThrough();
        this.open = state.open();
        this.late = state.late();
        this.chain = state.chain();
        this.request = state.request();
        this.lastRequest = state.lastRequest();
        if (state.randomSecret() != null) {
            this.randomSecret = state.randomSecret();
        } else {
            byte[] secret = new byte[32];
            Objects.requireNonNull(random, "random").nextBytes(secret);
            this.randomSecret = HexFormat.of().formatHex(secret);
        }
    }

    /** What to store so a restart continues here. */
    public ScheduleState state() {
        return new ScheduleState(lastTick, resolvedThrough, open, late, chain, request, lastRequest, randomSecret);
    }

    /**
     * A worker asked for a test, by request {@code number}, until {@code until}: a window opens now and the parent is prompted.
     * A request already acted on, or one whose time has passed, changes nothing.
     */
    public List<ScheduleCommand> requestTest(long number, Instant until, Instant now) {
        if (number <= lastRequest) {
            return List.of();
        }
        lastRequest = number;
        if (!now.isBefore(until)) {
            return List.of();
        }
        request = new RequestWindow(number, now, until, 0, Set.of());
        return List.of(new WindowOpened(new TestReason.Requested(number), until));
    }

    public ScheduleRules rules() {
        return rules;
    }

    /**
     * Uses new rules from now on. An open window keeps its times (the parent was told when it
     * closes); slots are read from the new rules from the next tick.
     */
    public void replaceRules(ScheduleRules newRules) {
        this.rules = Objects.requireNonNull(newRules, "newRules");
    }

    /** The clock moved on normally to {@code now}. */
    public List<ScheduleCommand> tick(Instant now) {
        List<ScheduleCommand> out = new ArrayList<>();
        boolean catchUp = lastTick != null && !now.isBefore(lastTick)
                && Duration.between(lastTick, now).compareTo(MAX_CATCH_UP) <= 0;
        closeOrRemindRequest(now, out);
        closeOrRemindOpen(now, out);
        scanSlots(now, catchUp, out);
        if (late != null && !now.isBefore(late.until())) {
            late = null;
        }
        advanceChain(now, out);
        lastTick = now;
        return out;
    }

    /**
     * The wall clock jumped to {@code now} (forward or back). Windows that closed in the jump are
     * marked done without a missed event each; an open window or pending retest is kept and
     * evaluated against the new time from the next tick.
     */
    public List<ScheduleCommand> clockJumped(Instant now) {
        List<ScheduleCommand> out = new ArrayList<>();
        scanSlots(now, false, out);
        lastTick = now;
        return out;
    }

    /** The parent pressed "start test": start one for the reason that applies now. */
    public StartTest startRequested(Instant now) {
        return new StartTest(reasonForTestAt(now));
    }

    /**
     * Why a test started at {@code now} happens: a due retest first (it answers a positive), then the
     * open slot, then a slot that may still be tested late, else on demand.
     */
    public TestReason reasonForTestAt(Instant now) {
        if (chain != null && !now.isBefore(chain.due())) {
            return retestReason(chain);
        }
        if (request != null && now.isBefore(request.closes())) {
            return new TestReason.Requested(request.request());
        }
        if (open != null) {
            return reasonOf(open);
        }
        if (late != null && now.isBefore(late.until())) {
            return new TestReason.Scheduled(late.slot(), true);
        }
        return new TestReason.OnDemand();
    }

    /**
     * When the parent is asked for a test next, as seen at {@code now}: a test due now (a retest, the open
     * window, or a slot still testable late), else the earlier of a pending retest and the next window.
     */
    public NextTest nextTest(Instant now) {
        TestReason reason = reasonForTestAt(now);
        if (!(reason instanceof TestReason.OnDemand)) {
            return new NextTest.Now(reason);
        }
        Instant retest = chain != null ? chain.due() : null;
        Instant slot = null;
        Instant from = now;
        List<Window> windows = rules.compressed() ? compressedWindows(from, now.plus(rules.minutes(24 * 60)))
                : windows(from, now.plusSeconds(24 * 3600));
        windows.sort(Comparator.comparing(Window::opens));
        for (Window w : windows) {
            if (w.opens().isAfter(now) && (resolvedThrough == null || w.slot().isAfter(resolvedThrough))) {
                slot = w.slot();
                break;
            }
        }
        if (retest != null && (slot == null || !slot.isBefore(retest))) {
            return new NextTest.At(retest, true);
        }
        return slot == null ? new NextTest.None() : new NextTest.At(slot, false);
    }

    /** The answer to "when is my next test?". */
    public sealed interface NextTest {
        /** A test is due now, for {@code reason}. */
        record Now(TestReason reason) implements NextTest {
        }

        /** The next test is at {@code at}: a slot's time, or when a retest comes due. */
        record At(Instant at, boolean retest) implements NextTest {
        }

        /** No slots, no retest pending. */
        record None() implements NextTest {
        }
    }

    /** Whether a retest is pending but not yet due: a positive was recorded and a new test will be asked for. */
    public boolean retestPending(Instant now) {
        return chain != null && now.isBefore(chain.due());
    }

    /**
     * A reading with sequence number {@code seq} was stored. Aborted and invalid samples leave the
     * window open (the parent may try again) and are counted; a valid result closes what it was for;
     * a positive starts or continues a retest chain.
     */
    public List<ScheduleCommand> readingRecorded(long seq, TestReason reason, Outcome outcome, Instant now) {
        List<ScheduleCommand> out = new ArrayList<>();
        boolean valid = outcome == Outcome.PASS || outcome == Outcome.FAIL;
        if (!valid) {
            countAbort(reason);
            return out;
        }
        if (reason instanceof TestReason.Requested q && request != null && request.request() == q.request()) {
            request = null;
        }
        if (reason instanceof TestReason.Random r && open != null && open.random() && open.slot().equals(r.slot())) {
            resolve(open.slot());
            open = null;
        }
        if (reason instanceof TestReason.Scheduled s) {
            if (!s.late() && open != null && !open.random() && open.slot().equals(s.slot())) {
                resolve(open.slot());
                open = null;
            } else if (s.late() && late != null && late.slot().equals(s.slot())) {
                late = null;
            }
        }
        Schedule sch = rules.schedule();
        if (reason instanceof TestReason.Retest r && chain != null && r.chainStart() == chain.chainStart()) {
            int taken = chain.attemptsTaken() + 1;
            if (outcome == Outcome.PASS) {
                out.add(new ChainCleared(chain.chainStart()));
                chain = null;
            } else if (taken >= sch.maxRetests()) {
                out.add(new ChainLimitReached(chain.chainStart()));
                chain = null;
            } else {
                chain = newChainStep(chain.chainStart(), seq, taken, now);
                out.add(new RetestScheduled(chain.due(), sch.retestDelayMin()));
            }
            return out;
        }
        if (outcome == Outcome.FAIL) {
            if (sch.maxRetests() == 0) {
                return out;
            }
            if (chain != null && !rules.coalescePositives()) {
                // The old chain's retest is overtaken by a new chain; say so rather than drop it.
                out.add(new RecordMissed(retestReason(chain), chain.due(), now.isBefore(chain.due()) ? chain.due() : now,
                        chain.abortedAttempts()));
                chain = null;
            }
            if (chain != null) {
                chain = newChainStep(chain.chainStart(), seq, chain.attemptsTaken(), now);
            } else {
                chain = newChainStep(seq, seq, 0, now);
            }
            out.add(new RetestScheduled(chain.due(), sch.retestDelayMin()));
        }
        return out;
    }

    private RetestChain newChainStep(long chainStart, long of, int taken, Instant now) {
        Schedule sch = rules.schedule();
        Instant due = now.plus(rules.minutes(sch.retestDelayMin()));
        return new RetestChain(chainStart, of, taken, due, due.plus(rules.minutes(sch.retestWindowMin())), 0, false, Set.of());
    }

    private static TestReason.Retest retestReason(RetestChain c) {
        return new TestReason.Retest(c.lastOf(), c.chainStart(), c.attemptsTaken() + 1);
    }

    private void countAbort(TestReason reason) {
        if (reason instanceof TestReason.Retest r && chain != null && r.chainStart() == chain.chainStart()) {
            chain = new RetestChain(chain.chainStart(), chain.lastOf(), chain.attemptsTaken(), chain.due(), chain.closes(),
                    chain.abortedAttempts() + 1, chain.duePrompted(), chain.remindersSent());
        } else if (open != null && open.slot().equals(slotOf(reason))) {
            open = new OpenWindow(open.slot(), open.opens(), open.closes(), open.abortedAttempts() + 1, open.remindersSent(), open.random());
        } else if (reason instanceof TestReason.Requested q && request != null && request.request() == q.request()) {
            request = new RequestWindow(request.request(), request.opens(), request.closes(), request.abortedAttempts() + 1,
                    request.remindersSent());
        }
    }

    /** The slot a scheduled (on time) or random test is for, else null. */
    private static Instant slotOf(TestReason reason) {
        if (reason instanceof TestReason.Scheduled s && !s.late()) {
            return s.slot();
        }
        return reason instanceof TestReason.Random r ? r.slot() : null;
    }

    private static TestReason reasonOf(OpenWindow w) {
        return w.random() ? new TestReason.Random(w.slot()) : new TestReason.Scheduled(w.slot(), false);
    }

    private void closeOrRemindRequest(Instant now, List<ScheduleCommand> out) {
        if (request == null) {
            return;
        }
        TestReason reason = new TestReason.Requested(request.request());
        if (!now.isBefore(request.closes())) {
            out.add(new RecordMissed(reason, request.opens(), request.closes(), request.abortedAttempts()));
            request = null;
            return;
        }
        Set<Integer> sent = new HashSet<>(request.remindersSent());
        Long remind = dueReminder(now, request.closes(), Duration.between(request.opens(), request.closes()), sent);
        if (remind != null) {
            out.add(new Remind(reason, remind));
            request = new RequestWindow(request.request(), request.opens(), request.closes(), request.abortedAttempts(), sent);
        }
    }

    private void closeOrRemindOpen(Instant now, List<ScheduleCommand> out) {
        if (open == null) {
            return;
        }
        if (!now.isBefore(open.closes())) {
            out.add(new RecordMissed(reasonOf(open), open.opens(), open.closes(), open.abortedAttempts()));
            resolve(open.slot());
            // A random test is a surprise: a late test is not taken for it (it would be an on-demand test).
            late = open.random() || rules.lateGrace().isZero() ? null
                    : new LateSlot(open.slot(), open.closes().plus(rules.scaled(rules.lateGrace())));
            open = null;
            return;
        }
        Set<Integer> sent = new HashSet<>(open.remindersSent());
        Long remind = dueReminder(now, open.closes(), Duration.between(open.opens(), open.closes()), sent);
        if (remind != null) {
            out.add(new Remind(reasonOf(open), remind));
            open = new OpenWindow(open.slot(), open.opens(), open.closes(), open.abortedAttempts(), sent, open.random());
        }
    }

    /**
     * The reminder to give now, if any: of the reminders that have come due and were not given, only
     * the one nearest the close is given (after a restart, one reminder rather than a burst). All
     * that came due are added to {@code sent}. Reminders that would come before the window opens are
     * never given.
     */
    private Long dueReminder(Instant now, Instant closes, Duration windowLength, Set<Integer> sent) {
        Integer chosen = null;
        for (int m : rules.schedule().remindersBeforeCloseMin()) {
            if (sent.contains(m) || rules.minutes(m).compareTo(windowLength) >= 0) {
                continue;
            }
            if (!now.isBefore(closes.minus(rules.minutes(m)))) {
                sent.add(m);
                if (chosen == null || m < chosen) {
                    chosen = m;
                }
            }
        }
        if (chosen == null) {
            return null;
        }
        long minuteMs = rules.minute().toMillis();
        return Math.max(1, (Duration.between(now, closes).toMillis() + minuteMs - 1) / minuteMs);
    }

    /**
     * Walks the slots from the day before the last tick to the day after now: windows that closed
     * since the last tick are reported missed (when catching up) or marked done silently; the first
     * window that contains {@code now} is opened, unless one is open already.
     */
    private void scanSlots(Instant now, boolean catchUp, List<ScheduleCommand> out) {
        Instant from = catchUp ? lastTick : now;
        List<Window> windows = rules.compressed() ? compressedWindows(from, now) : windows(from, now);
        windows.sort(Comparator.comparing(Window::slot));
        for (Window w : windows) {
            if (resolvedThrough != null && !w.slot().isAfter(resolvedThrough)) {
                continue;
            }
            if (open != null && open.slot().equals(w.slot())) {
                continue;
            }
            if (!now.isBefore(w.closes())) {
                if (catchUp && w.closes().isAfter(lastTick)) {
                    TestReason reason = w.random() ? new TestReason.Random(w.slot()) : new TestReason.Scheduled(w.slot(), false);
                    out.add(new RecordMissed(reason, w.opens(), w.closes(), 0));
                    late = w.random() || rules.lateGrace().isZero() ? null
                            : new LateSlot(w.slot(), w.closes().plus(rules.scaled(rules.lateGrace())));
                }
                resolve(w.slot());
            } else if (!now.isBefore(w.opens()) && open == null) {
                open = new OpenWindow(w.slot(), w.opens(), w.closes(), 0, Set.of(), w.random());
                late = null;
                out.add(new WindowOpened(reasonOf(open), w.closes()));
            }
        }
    }

    /** The windows of the days from the day before {@code from} to the day after {@code now}, in the schedule's zone. */
    private List<Window> windows(Instant from, Instant now) {
        Schedule sch = rules.schedule();
        LocalDate first = from.atZone(sch.zone()).toLocalDate().minusDays(1);
        LocalDate last = now.atZone(sch.zone()).toLocalDate().plusDays(1);
        List<Window> windows = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            for (Schedule.Slot slot : sch.slots()) {
                Instant at = ZonedDateTime.of(d, slot.at(), sch.zone()).toInstant();
                windows.add(new Window(at, at.minus(Duration.ofMinutes(slot.windowBeforeMin())),
                        at.plus(Duration.ofMinutes(slot.windowAfterMin())), false));
            }
            for (int minute : randomMinutes(d.toString())) {
                Instant at = ZonedDateTime.of(d, LocalTime.MIDNIGHT, sch.zone()).plusMinutes(minute).toInstant();
                windows.add(new Window(at, at, at.plus(Duration.ofMinutes(sch.random().windowMin())), true));
            }
        }
        return windows;
    }

    /**
     * The same for a compressed schedule (a demonstration): a day lasts 1440 of its minutes, counted from the
     * Unix epoch, and a slot at 08:00 comes 480 of its minutes into each day (cut to the whole second).
     */
    private List<Window> compressedWindows(Instant from, Instant now) {
        long dayMs = rules.minutes(24 * 60).toMillis();
        long first = Math.floorDiv(from.toEpochMilli(), dayMs) - 1;
        long last = Math.floorDiv(now.toEpochMilli(), dayMs) + 1;
        List<Window> windows = new ArrayList<>();
        for (long d = first; d <= last; d++) {
            for (Schedule.Slot slot : rules.schedule().slots()) {
                // Whole seconds, as the wire carries a slot (TestReason.Scheduled): a reading's slot must equal its window's.
                Instant at = Instant.ofEpochMilli(d * dayMs).plus(rules.minutes(slot.at().toSecondOfDay() / 60))
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                windows.add(new Window(at, at.minus(rules.minutes(slot.windowBeforeMin())), at.plus(rules.minutes(slot.windowAfterMin())),
                        false));
            }
            for (int minute : randomMinutes("compressed-" + d)) {
                Instant at = Instant.ofEpochMilli(d * dayMs).plus(rules.minutes(minute)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                windows.add(new Window(at, at, at.plus(rules.minutes(rules.schedule().random().windowMin())), true));
            }
        }
        return windows;
    }

    private void advanceChain(Instant now, List<ScheduleCommand> out) {
        if (chain == null) {
            return;
        }
        if (!now.isBefore(chain.closes())) {
            out.add(new RecordMissed(retestReason(chain), chain.due(), chain.closes(), chain.abortedAttempts()));
            chain = null;
            return;
        }
        if (now.isBefore(chain.due())) {
            return;
        }
        boolean prompted = chain.duePrompted();
        Set<Integer> sent = new HashSet<>(chain.remindersSent());
        if (!prompted) {
            out.add(new RetestDue(retestReason(chain), chain.closes()));
            prompted = true;
        } else {
            Long remind = dueReminder(now, chain.closes(), Duration.between(chain.due(), chain.closes()), sent);
            if (remind != null) {
                out.add(new Remind(retestReason(chain), remind));
            }
        }
        chain = new RetestChain(chain.chainStart(), chain.lastOf(), chain.attemptsTaken(), chain.due(), chain.closes(),
                chain.abortedAttempts(), prompted, sent);
    }

    private void resolve(Instant slot) {
        if (resolvedThrough == null || slot.isAfter(resolvedThrough)) {
            resolvedThrough = slot;
        }
    }

    private record Window(Instant slot, Instant opens, Instant closes, boolean random) {
    }

    /** How many draws a day may take to find windows that overlap nothing, before the day has fewer random tests. */
    static final int MAX_DRAWS = 200;

    /**
     * The minutes of the day (from local midnight) at which the day's random windows open, drawn with HMAC-SHA256 keyed by
     * the device's secret over {@code day} and a counter: uniform between {@code from} and {@code until - window}, none
     * overlapping a slot's window or another random window. The same secret and day give the same minutes (a restart changes
     * nothing); without the secret they cannot be told.
     */
    List<Integer> randomMinutes(String day) {
        Schedule.RandomTests random = rules.schedule().random();
        if (random == null) {
            return List.of();
        }
        int from = random.from().toSecondOfDay() / 60;
        int latestStart = random.until().toSecondOfDay() / 60 - random.windowMin();
        List<int[]> taken = new ArrayList<>();
        for (Schedule.Slot slot : rules.schedule().slots()) {
            int at = slot.at().toSecondOfDay() / 60;
            taken.add(new int[] {at - slot.windowBeforeMin(), at + slot.windowAfterMin()});
        }
        List<Integer> chosen = new ArrayList<>();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HexFormat.of().parseHex(randomSecret), "HmacSHA256"));
            for (int draw = 0; draw < MAX_DRAWS && chosen.size() < random.perDay(); draw++) {
                byte[] h = mac.doFinal((day + "|" + draw).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                long v = java.nio.ByteBuffer.wrap(h, 0, 8).getLong() >>> 1;
                int start = from + (int) (v % (latestStart - from + 1));
                int end = start + random.windowMin();
                boolean overlaps = taken.stream().anyMatch(t -> start < t[1] && t[0] < end);
                if (!overlaps) {
                    chosen.add(start);
                    taken.add(new int[] {start, end});
                }
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
        chosen.sort(Integer::compare);
        return chosen;
    }
}
