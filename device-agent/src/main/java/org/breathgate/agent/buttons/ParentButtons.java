package org.breathgate.agent.buttons;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.breathgate.agent.breathtest.TestRunner;
import org.breathgate.agent.clock.ClockSource;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.agent.prompt.Prompter.Line;
import org.breathgate.agent.prompt.SpokenTime;
import org.breathgate.agent.schedule.ScheduleKeeper;
import org.breathgate.agent.schedule.TestSchedule;
import org.breathgate.agent.support.SupportDesk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each gesture does (docs/agent.md, "Buttons"):
 * <ul>
 *   <li>Test button once: starts the test that is due (a retest, the open window, a slot still testable late).
 *       When none is due it answers "when is my next test?" and offers a test now anyway: a second press within
 *       {@link #ANYWAY_FOR} starts one on demand.</li>
 *   <li>Test button twice: says the last message again, with where the parent's help request stands.</li>
 *   <li>Help button: the help menu ({@link SupportDesk}).</li>
 * </ul>
 * In the help menu the test button stops it. Used on the agent thread only.
 */
public final class ParentButtons {

    private static final Logger LOG = LoggerFactory.getLogger(ParentButtons.class);
    /** How long after "your next test is …" a press starts a test on demand: time to decide, not so long it surprises. */
    static final Duration ANYWAY_FOR = Duration.ofSeconds(30);

    private final TestRunner tests;
    private final ScheduleKeeper schedule;
    private final SupportDesk support;
    private final Prompter prompter;
    private final ClockSource clock;
    private Instant anywayUntil;

    public ParentButtons(TestRunner tests, ScheduleKeeper schedule, SupportDesk support, Prompter prompter, ClockSource clock) {
        this.tests = Objects.requireNonNull(tests, "tests");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.support = Objects.requireNonNull(support, "support");
        this.prompter = Objects.requireNonNull(prompter, "prompter");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Does what {@code gesture} asks. */
    public void gesture(Gesture gesture) {
        switch (gesture) {
            case HELP -> support.helpPressed();
            case TEST_ONCE -> testOnce();
            case TEST_TWICE -> sayAgain();
        }
    }

    private void testOnce() {
        if (support.menuOpen()) {
            support.cancel();
            return;
        }
        if (tests.running()) {
            LOG.info("Test button pressed while a test is running; ignored");
            return;
        }
        Instant now = clock.wall();
        TestSchedule.NextTest next = schedule.nextTest(now);
        if (next instanceof TestSchedule.NextTest.Now || (anywayUntil != null && now.isBefore(anywayUntil))) {
            anywayUntil = null;
            tests.startPressed();
            return;
        }
        anywayUntil = now.plus(ANYWAY_FOR);
        List<Line> lines = new ArrayList<>(nextTest(next));
        lines.add(Line.of(Prompt.TEST_ANYWAY));
        prompter.tell(null, true, true, lines);
    }

    private void sayAgain() {
        if (support.menuOpen()) {
            support.cancel();
            return;
        }
        List<Line> help = support.stateLines();
        List<Line> last = prompter.lastSaid();
        if (last.isEmpty()) {
            List<Line> lines = new ArrayList<>(help);
            lines.addAll(nextTest(schedule.nextTest(clock.wall())));
            prompter.tell(null, true, false, lines);
        } else if (last.get(0).prompt().name().startsWith("SUPPORT_") && !help.isEmpty()) {
            // The last thing said was about the help request: say where it stands now, not what stood then.
            prompter.tell(null, true, false, help);
        } else {
            prompter.repeat(help);
        }
    }

    /** The answer to "when is my next test?". */
    private static List<Line> nextTest(TestSchedule.NextTest next) {
        if (next instanceof TestSchedule.NextTest.At at) {
            Prompt p = at.retest() ? Prompt.NEXT_RETEST_AT : Prompt.NEXT_TEST_AT;
            return List.of(Line.of(p, new SpokenTime.Day(at.at()), new SpokenTime.Time(at.at())));
        }
        if (next instanceof TestSchedule.NextTest.Now) {
            return List.of(Line.of(Prompt.WINDOW_OPEN));
        }
        return List.of(Line.of(Prompt.NEXT_TEST_NONE));
    }
}
