package org.breathgate.hardware.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.TestEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class FakeBreathalyserTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T08:00:00Z"), ZoneOffset.UTC);

    @Test
    void scripted_tests_play_in_order_then_measure_zero() throws Exception {
        try (FakeBreathalyser fake = new FakeBreathalyser(CLOCK).thenMeasures(450).thenAborts(BlowAbortReason.TOO_SHORT)) {
            fake.open(Duration.ofSeconds(1));
            TestEvent.Result first = assertInstanceOf(TestEvent.Result.class, fake.runTest(Duration.ofSeconds(1), e -> { }));
            assertEquals(OptionalInt.of(450), first.result().microgramsPerLitre());
            assertEquals(new TestEvent.BlowAborted(BlowAbortReason.TOO_SHORT), fake.runTest(Duration.ofSeconds(1), e -> { }));
            TestEvent.Result third = assertInstanceOf(TestEvent.Result.class, fake.runTest(Duration.ofSeconds(1), e -> { }));
            assertEquals(OptionalInt.of(0), third.result().microgramsPerLitre());
            assertEquals(3, fake.testsRun());
        }
    }

    @Test
    void a_fake_that_never_warms_up_times_out_like_a_driver() throws Exception {
        FakeBreathalyser fake = new FakeBreathalyser(CLOCK).neverReady();
        fake.open(Duration.ofSeconds(1));
        assertThrows(DeviceTimeoutException.class, () -> fake.awaitReady(Duration.ofSeconds(1)));
    }

    @Test
    void progress_ends_with_the_returned_terminal_event_and_buttons_can_be_pressed() throws Exception {
        FakeBreathalyser fake = new FakeBreathalyser(CLOCK);
        fake.open(Duration.ofSeconds(1));
        List<TestEvent> events = new ArrayList<>();
        TestEvent.Terminal end = fake.runTest(Duration.ofSeconds(1), events::add);
        assertEquals(end, events.get(events.size() - 1));
        List<Button> pressed = new ArrayList<>();
        fake.buttons().orElseThrow().addListener((b, at) -> pressed.add(b));
        fake.softButtons().press(Button.SUPPORT);
        assertEquals(List.of(Button.SUPPORT), pressed);
    }
}
