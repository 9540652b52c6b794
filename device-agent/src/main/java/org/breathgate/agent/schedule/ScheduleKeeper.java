package org.breathgate.agent.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.breathgate.agent.clock.ClockJumpDetector;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.evidence.EvidenceRecorder.EventFactory;
import org.breathgate.agent.outbox.OutboxException;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.TestReason;
import org.breathgate.protocol.TestRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test schedule as the running agent keeps it: ticks the pure {@link TestSchedule} with the
 * clock (and reports clock jumps), records what it decides (missed tests) in the same transaction
 * as its new state, prompts the parent for windows, reminders, retests and missed tests, and puts
 * the state back when storing fails, so the next tick tries again.
 *
 * <p>Used on the agent thread only; {@link #abstainMin} may be read from any thread.
 */
public final class ScheduleKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduleKeeper.class);
    /** The state is stored at least this often even when unchanged, so a restart loses at most this much of it. */
    private static final Duration STATE_PERSIST_EVERY = Duration.ofSeconds(60);

    private final EvidenceRecorder recorder;
    private final Prompter prompter;
    private final ClockJumpDetector jumps;
    private TestSchedule schedule;
    private Instant statePersistedAt;
    private volatile int abstainMin;

    /**
     * @param schedule the schedule with its restored state
     * @param jumps    compares wall and monotonic time on every tick
     */
    public ScheduleKeeper(TestSchedule schedule, ClockJumpDetector jumps, EvidenceRecorder recorder, Prompter prompter) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.jumps = Objects.requireNonNull(jumps, "jumps");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.prompter = Objects.requireNonNull(prompter, "prompter");
        this.abstainMin = schedule.rules().schedule().abstainMin();
    }

    /**
     * Moves the schedule to {@code now}: a clock jump becomes a tamper event, closed windows become
     * missed tests, and they are stored with the new state (the state alone when it changed, or
     * every minute); then the parent is prompted for what the schedule asks.
     *
     * @return false when storing failed: the schedule is as it was, and the next tick tries again
     */
    public boolean tick(Instant now, long monotonicMs) {
        Optional<ClockJumpDetector.Jump> jump = jumps.observe(now, monotonicMs);
        ScheduleState before = schedule.state();
        List<ScheduleCommand> commands;
        List<EventFactory> events = new ArrayList<>();
        if (jump.isPresent()) {
            ClockJumpDetector.Jump j = jump.get();
            LOG.warn("Wall clock jumped by {} s (expected {}, found {})", j.size().toSeconds(), j.expected(), j.actual());
            events.add((seq, facts) -> new TamperEvent(recorder.deviceId(), seq, facts, TamperKind.CLOCK_JUMP,
                    "wall clock moved " + j.size().toSeconds() + " s beyond monotonic time: expected " + j.expected()
                            + ", found " + j.actual()));
            commands = schedule.clockJumped(now);
        } else {
            commands = schedule.tick(now);
        }
        for (ScheduleCommand c : commands) {
            if (c instanceof ScheduleCommand.RecordMissed m) {
                events.add(missed(m));
            }
        }
        ScheduleState after = schedule.state();
        boolean changed = !withoutTick(before).equals(withoutTick(after));
        boolean persistDue = statePersistedAt == null || Duration.between(statePersistedAt, now).abs().compareTo(STATE_PERSIST_EVERY) >= 0;
        if (!events.isEmpty() || changed || persistDue) {
            try {
                recorder.record(events, after::encode);
                statePersistedAt = now;
            } catch (OutboxException e) {
                schedule = new TestSchedule(schedule.rules(), before);
                LOG.error("Could not store schedule events; will retry on the next tick", e);
                return false;
            }
        }
        commands.forEach(this::prompt);
        return true;
    }

    private static ScheduleState withoutTick(ScheduleState s) {
        return new ScheduleState(null, s.resolvedThrough(), s.open(), s.late(), s.chain(), s.request(), s.lastRequest(), s.randomSecret());
    }

    /** The parent pressed "start test" at {@code now}: why this test happens. */
    public TestReason startRequested(Instant now) {
        return schedule.startRequested(now).reason();
    }

    /**
     * The schedule's reaction to the reading numbered {@code seq}: call it inside the event factory
     * that makes the reading, so that the state recorded with it includes the reaction.
     */
    public List<ScheduleCommand> readingRecorded(long seq, TestReason reason, Outcome outcome, Instant now) {
        return schedule.readingRecorded(seq, reason, outcome, now);
    }

    /**
     * Records {@code events}, and {@code jpeg} as the photo of the event at {@code photoOf} (-1 and
     * null for none), with the schedule's state after them, in one transaction. If storing fails the
     * schedule goes back to where it was, and the {@link OutboxException} is thrown.
     */
    public void record(List<EventFactory> events, int photoOf, byte[] jpeg) {
        ScheduleState before = schedule.state();
        try {
            recorder.record(events, () -> schedule.state().encode(), photoOf, jpeg);
        } catch (OutboxException e) {
            schedule = new TestSchedule(schedule.rules(), before);
            throw e;
        }
    }

    /** Records the missed tests among {@code commands} (what followed a reading), with the state. */
    public void recordMissed(List<ScheduleCommand> commands) {
        List<EventFactory> missed = new ArrayList<>();
        for (ScheduleCommand c : commands) {
            if (c instanceof ScheduleCommand.RecordMissed m) {
                missed.add(missed(m));
            }
        }
        if (!missed.isEmpty()) {
            record(missed, -1, null);
        }
    }

    private EventFactory missed(ScheduleCommand.RecordMissed m) {
        return (seq, facts) -> new MissedTest(recorder.deviceId(), seq, facts, m.reason(), m.opened(), m.closed(), m.abortedAttempts());
    }

    private void prompt(ScheduleCommand c) {
        int abstain = schedule.rules().schedule().abstainMin();
        if (c instanceof ScheduleCommand.WindowOpened) {
            prompter.showWithAbstain(Prompt.WINDOW_OPEN, abstain);
        } else if (c instanceof ScheduleCommand.Remind r) {
            prompter.show(Prompt.REMINDER, r.minutesLeft());
        } else if (c instanceof ScheduleCommand.RetestDue) {
            prompter.showWithAbstain(Prompt.RETEST_DUE, abstain);
        } else if (c instanceof ScheduleCommand.RecordMissed m && m.reason() instanceof TestReason.Scheduled
                && !schedule.rules().lateGrace().isZero()) {
            prompter.show(Prompt.MISSED);
        }
    }

    /**
     * A worker's signed test request arrived (verified, for this device): a window opens now and the parent is prompted; it
     * is stored with the schedule's state, so a restart keeps the window and never acts on the request twice.
     *
     * @return whether the request opened a window (false: acted on before, or its time has passed)
     */
    public boolean testRequested(TestRequest request, Instant now) {
        ScheduleState before = schedule.state();
        List<ScheduleCommand> commands = schedule.requestTest(request.request(), request.until(), now);
        if (schedule.state().equals(before)) {
            LOG.info("Ignoring test request {}: acted on before", request.request());
            return false;
        }
        try {
            recorder.record(List.of(), () -> schedule.state().encode());
        } catch (OutboxException e) {
            schedule = new TestSchedule(schedule.rules(), before);
            LOG.error("Could not store the test request {}; it stays retained and is acted on when it comes again", request.request(), e);
            return false;
        }
        if (commands.isEmpty()) {
            LOG.info("Ignoring test request {}: its window closed at {}", request.request(), request.until());
            return false;
        }
        LOG.info("Test request {} from the receiver: window open until {}", request.request(), request.until());
        commands.forEach(this::prompt);
        return true;
    }

    /** When the parent is asked for a test next, as seen at {@code now}. */
    public TestSchedule.NextTest nextTest(Instant now) {
        return schedule.nextTest(now);
    }

    /** Whether a retest is pending but not yet due. */
    public boolean retestPending(Instant now) {
        return schedule.retestPending(now);
    }

    /** The schedule's time zone, in which its times are said. */
    public java.time.ZoneId zone() {
        return schedule.rules().schedule().zone();
    }

    /** Takes the receiver's schedule (slots, windows, reminders, retests) in place of the one in use. */
    public void useSchedule(Schedule newSchedule) {
        schedule.replaceRules(schedule.rules().withSchedule(newSchedule));
        abstainMin = newSchedule.abstainMin();
    }

    /** Minutes the parent is asked not to eat, drink or smoke before a test. */
    public int abstainMin() {
        return abstainMin;
    }
}
