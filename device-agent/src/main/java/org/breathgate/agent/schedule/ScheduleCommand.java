package org.breathgate.agent.schedule;

import java.time.Instant;
import java.util.Objects;
import org.breathgate.protocol.TestReason;

/** What the schedule asks the agent to do. The agent prompts, records or starts; the schedule only decides. */
public sealed interface ScheduleCommand {

    /** A test window opened: prompt the parent (with the reminder to abstain first). */
    record WindowOpened(TestReason reason, Instant closes) implements ScheduleCommand {
        public WindowOpened {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(closes, "closes");
        }
    }

    /** The window is still open and closes in {@code minutesLeft}: remind the parent. */
    record Remind(TestReason reason, long minutesLeft) implements ScheduleCommand {
        public Remind {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A window closed with no valid test: record a {@link org.breathgate.protocol.MissedTest}. */
    record RecordMissed(TestReason reason, Instant opened, Instant closed, int abortedAttempts) implements ScheduleCommand {
        public RecordMissed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(opened, "opened");
            Objects.requireNonNull(closed, "closed");
        }
    }

    /** A positive asks for a confirmation retest, due at {@code due}: tell the parent when. */
    record RetestScheduled(Instant due, long delayMinutes) implements ScheduleCommand {
        public RetestScheduled {
            Objects.requireNonNull(due, "due");
        }
    }

    /** The retest is due now and stays open until {@code closes}: prompt the parent. */
    record RetestDue(TestReason.Retest reason, Instant closes) implements ScheduleCommand {
        public RetestDue {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(closes, "closes");
        }
    }

    /** A retest came out under the threshold: the chain started by {@code chainStart} is closed. */
    record ChainCleared(long chainStart) implements ScheduleCommand {
    }

    /** The chain reached its retest limit while still positive; no more retests are asked for. */
    record ChainLimitReached(long chainStart) implements ScheduleCommand {
    }

    /** Start a breath test now, for this reason. */
    record StartTest(TestReason reason) implements ScheduleCommand {
        public StartTest {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
