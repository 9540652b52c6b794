package org.breathgate.agent.support;

import java.util.List;
import java.util.Optional;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.protocol.SupportNeed;

/**
 * The help button's spoken menu as a state machine, without time: first the introduction (which says to call
 * 112 in an emergency), then each choice in turn, most urgent first, twice over; the parent presses the help
 * button while the choice they need is offered. When the choices have been offered twice without a press, the
 * menu has ended and the device chooses "help now" for the parent: a parent in distress is never stuck in it.
 * Not thread-safe: the agent thread drives it.
 */
final class SupportMenu {

    /** The choices, in the order they are offered: the most urgent first, so that a hurried press gets help soonest. */
    static final List<SupportNeed> CHOICES = List.of(SupportNeed.HELP_NOW, SupportNeed.CALL_ME, SupportNeed.DEVICE_PROBLEM);

    /**
     * How many times the choices are offered: twice, so that a parent who missed one hears it again, and the
     * menu still ends (and sends "help now") within a minute at the default step of 8 s.
     */
    static final int ROUNDS = 2;

    /** The step being offered: 0 is the introduction, then the choices, round after round. */
    private int step;

    /** The choice offered now; empty during the introduction. */
    Optional<SupportNeed> offered() {
        return step == 0 ? Optional.empty() : Optional.of(CHOICES.get((step - 1) % CHOICES.size()));
    }

    /** The prompt of the step now. */
    Prompt prompt() {
        return offered().map(SupportMenu::promptOf).orElse(Prompt.SUPPORT_MENU_INTRO);
    }

    /** Moves to the next step; false when the menu has ended without a choice. */
    boolean advance() {
        step++;
        return step <= ROUNDS * CHOICES.size();
    }

    static Prompt promptOf(SupportNeed need) {
        return switch (need) {
            case HELP_NOW -> Prompt.SUPPORT_MENU_HELP_NOW;
            case CALL_ME -> Prompt.SUPPORT_MENU_CALL_ME;
            case DEVICE_PROBLEM -> Prompt.SUPPORT_MENU_DEVICE_PROBLEM;
        };
    }
}
