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

    /** A schedule continuing from {@code state} (use {@link ScheduleState#EMPTY} the first time). */
    public TestSchedule(ScheduleRules rules, ScheduleState state) {
        this.rules = Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(state, "state");
        this.lastTick = state.lastTick();
        this.resolvedThrough = state.resolvedThrough();
        this.open = state.open();
        this.late = state.late();
        this.chain = state.chain();
    }

    /** What to store so a restart continues here. */
    public ScheduleState state() {
        return new ScheduleState(lastTick, resolvedThrough, open, late, chain);
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
        if (open != null) {
            return new TestReason.Scheduled(open.slot(), false);
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
        if (reason instanceof TestReason.Scheduled s) {
            if (!s.late() && open != null && open.slot().equals(s.slot())) {
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
        } else if (reason instanceof TestReason.Scheduled s && !s.late() && open != null && open.slot().equals(s.slot())) {
            open = new OpenWindow(open.slot(), open.opens(), open.closes(), open.abortedAttempts() + 1, open.remindersSent());
        }
    }

    private void closeOrRemindOpen(Instant now, List<ScheduleCommand> out) {
        if (open == null) {
            return;
        }
        if (!now.isBefore(open.closes())) {
            TestReason reason = new TestReason.Scheduled(open.slot(), false);
            out.add(new RecordMissed(reason, open.opens(), open.closes(), open.abortedAttempts()));
            resolve(open.slot());
            late = rules.lateGrace().isZero() ? null : new LateSlot(open.slot(), open.closes().plus(rules.scaled(rules.lateGrace())));
            open = null;
            return;
        }
        Set<Integer> sent = new HashSet<>(open.remindersSent());
        Long remind = dueReminder(now, open.closes(), Duration.between(open.opens(), open.closes()), sent);
        if (remind != null) {
            out.add(new Remind(new TestReason.Scheduled(open.slot(), false), remind));
            open = new OpenWindow(open.slot(), open.opens(), open.closes(), open.abortedAttempts(), sent);
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
                    out.add(new RecordMissed(new TestReason.Scheduled(w.slot(), false), w.opens(), w.closes(), 0));
                    late = rules.lateGrace().isZero() ? null : new LateSlot(w.slot(), w.closes().plus(rules.scaled(rules.lateGrace())));
                }
                resolve(w.slot());
            } else if (!now.isBefore(w.opens()) && open == null) {
                open = new OpenWindow(w.slot(), w.opens(), w.closes(), 0, Set.of());
                late = null;
                out.add(new WindowOpened(new TestReason.Scheduled(w.slot(), false), w.closes()));
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
                        at.plus(Duration.ofMinutes(slot.windowAfterMin()))));
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
                windows.add(new Window(at, at.minus(rules.minutes(slot.windowBeforeMin())), at.plus(rules.minutes(slot.windowAfterMin()))));
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

    private record Window(Instant slot, Instant opens, Instant closes) {
    }
}
