package org.breathgate.agent.buttons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Random;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.it.AgentFixture;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.agent.prompt.RecordingVoice;
import org.breathgate.agent.prompt.SpokenTime;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;
import org.breathgate.hardware.sim.SoftStatusLight;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.TestReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The test button's gestures on a running agent (no broker: what is stored stays in the outbox). */
@Timeout(60)
class ParentButtonsIT {

    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");

    @TempDir
    Path dir;

    private final SoftPanel panel = new SoftPanel(Clock.systemUTC());
    private final RecordingVoice voice = new RecordingVoice();
    private DeviceAgent agent;

    private DeviceAgent start(Map<String, String> extra) throws Exception {
        Map<String, String> s = AgentFixture.settings(dir, "home-buttons-1", "tcp://127.0.0.1:1");
        s.put("buttons.double.press.ms", "300");
        s.put("schedule.zone", HELSINKI.getId());
        s.putAll(extra);
        agent = new DeviceAgent(AgentFixture.config(s), new Hardware(new FakeBreathalyser(Clock.systemUTC()).thenMeasures(0), panel),
                voice, new SystemClockSource(Clock.systemUTC(), () -> true), new Random(1));
        agent.start();
        return agent;
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    /** A slot three hours from now (local time, whole minutes): no window is open, the next test is then. */
    private static LocalTime slotLater() {
        return ZonedDateTime.now(HELSINKI).plusHours(3).toLocalTime().withSecond(0).withNano(0);
    }

    @Test
    void one_press_when_no_test_is_due_says_when_the_next_one_is_and_a_second_press_tests_on_demand() throws Exception {
        LocalTime slot = slotLater();
        start(Map.of("schedule.slots", slot.toString(), "schedule.window.before.min", "30"));
        panel.buttons().press(Button.START_TEST);
        Instant at = ZonedDateTime.now(HELSINKI).with(slot).toInstant();
        if (at.isBefore(Instant.now())) {
            at = at.plus(Duration.ofDays(1)); // three hours on is tomorrow
        }
        String day = SpokenTime.day(at.atZone(HELSINKI).toLocalDate(), ZonedDateTime.now(HELSINKI).toLocalDate(), "en");
        String expected = Prompter.text(Prompt.NEXT_TEST_AT, "en", day, SpokenTime.time(slot, "en")) + " "
                + Prompter.text(Prompt.TEST_ANYWAY, "en");
        assertEquals(expected, voice.await("Your next test", 0, 5_000).text());
        assertEquals(0, agent.outboxStats().lastSeq(), "no test was started by the first press");

        panel.buttons().press(Button.START_TEST);
        long end = System.currentTimeMillis() + 20_000;
        while (agent.status().lastReading().isEmpty()) {
            assertTrue(System.currentTimeMillis() < end, "the second press started a test");
            Thread.sleep(50);
        }
        Reading reading = agent.status().lastReading().get();
        assertInstanceOf(TestReason.OnDemand.class, reading.reason());
    }

    @Test
    void two_quick_presses_say_the_last_message_again() throws Exception {
        start(Map.of());
        panel.buttons().press(Button.START_TEST);
        String answer = voice.await("No tests are planned now.", 0, 5_000).text();
        int before = voice.count();
        Thread.sleep(400); // the first press was a single one
        panel.buttons().press(Button.START_TEST);
        panel.buttons().press(Button.START_TEST);
        assertEquals(answer, voice.await("No tests are planned now.", before, 5_000).text(), "said again, word for word");
        Thread.sleep(1_000);
        assertEquals(0, agent.outboxStats().lastSeq(), "a double press starts no test");
    }

    @Test
    void the_test_button_stops_the_help_menu_and_the_light_shows_waiting_again() throws Exception {
        start(Map.of("help.menu.step.ms", "5000"));
        panel.buttons().press(Button.SUPPORT);
        voice.await("You pressed the help button.", 0, 5_000);
        assertEquals(new SoftStatusLight.Shown(LightColour.BLUE, LightPattern.STEADY), panel.light().current());
        panel.buttons().press(Button.START_TEST);
        voice.await("Nothing was sent.", 0, 5_000);
        long end = System.currentTimeMillis() + 5_000;
        while (!panel.light().current().equals(new SoftStatusLight.Shown(LightColour.WHITE, LightPattern.HEARTBEAT))) {
            assertTrue(System.currentTimeMillis() < end, "the light shows 'nothing to do': " + panel.light().current());
            Thread.sleep(20);
        }
        assertEquals(0, agent.outboxStats().lastSeq(), "nothing was sent");
    }
}
