package org.breathgate.agent.buttons;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.breathgate.agent.ManualTimer;
import org.breathgate.hardware.Button;
import org.junit.jupiter.api.Test;

class GesturesTest {

    private final ManualTimer timer = new ManualTimer();
    private final List<Gesture> seen = new ArrayList<>();
    private final Gestures gestures = new Gestures(timer, Duration.ofMillis(700), seen::add);

    @Test
    void one_press_of_the_test_button_counts_once_the_double_press_time_has_passed() {
        gestures.pressed(Button.START_TEST);
        timer.advance(Duration.ofMillis(699));
        assertEquals(List.of(), seen, "it might still be a double press");
        timer.advance(Duration.ofMillis(1));
        assertEquals(List.of(Gesture.TEST_ONCE), seen);
    }

    @Test
    void two_presses_within_the_double_press_time_count_as_one_double_press() {
        gestures.pressed(Button.START_TEST);
        timer.advance(Duration.ofMillis(400));
        gestures.pressed(Button.START_TEST);
        timer.advance(Duration.ofSeconds(5));
        assertEquals(List.of(Gesture.TEST_TWICE), seen);
    }

    @Test
    void two_presses_further_apart_are_two_single_presses() {
        gestures.pressed(Button.START_TEST);
        timer.advance(Duration.ofMillis(900));
        gestures.pressed(Button.START_TEST);
        timer.advance(Duration.ofSeconds(1));
        assertEquals(List.of(Gesture.TEST_ONCE, Gesture.TEST_ONCE), seen);
    }

    @Test
    void the_help_button_acts_at_once_every_time_it_is_pressed() {
        gestures.pressed(Button.SUPPORT);
        gestures.pressed(Button.SUPPORT);
        gestures.pressed(Button.SUPPORT);
        assertEquals(List.of(Gesture.HELP, Gesture.HELP, Gesture.HELP), seen);
        assertEquals(0, timer.waiting(), "nothing waits for a second press of the help button");
    }
}
