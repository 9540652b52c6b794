package org.breathgate.agent.prompt;

import java.util.Locale;
import org.breathgate.hardware.BeepPattern;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;

/**
 * Everything the device tells the parent, each with its light, its sound and its spoken text (in
 * {@code prompts_fi/sv/en.properties}, keyed by the constant's name; a recording of it, when the service
 * supplies one, is named by {@link #audioKey}). The light alone says what is needed for a parent who does
 * not read, by its rhythm even on a one-colour LED: slow blinking asks for a test, fast blinking means blow
 * now, a steady light means done, two flashes mean a help request is on its way, three mean a problem, a
 * short flash now and then means nothing to do. There is no red.
 *
 * <p>Some prompts are sentences only, said as part of a longer message (the support desk's, the answer to
 * "when is my next test?"): they have no light or sound of their own ({@link #light()} false).
 */
public enum Prompt {
    /** A test window opened. */
    WINDOW_OPEN(LightColour.BLUE, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    /** The window is still open. Argument: minutes left. */
    REMINDER(LightColour.BLUE, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    /** Not to eat, drink or smoke before the test. Argument: minutes to wait. */
    ABSTAIN(LightColour.BLUE, LightPattern.STEADY, null),
    /** The sensor is warming up: nothing to do but wait. */
    WARMING_UP(LightColour.AMBER, LightPattern.HEARTBEAT, null),
    /** Blow now. */
    BLOW_NOW(LightColour.WHITE, LightPattern.FAST_BLINK, BeepPattern.BLOW_NOW),
    /** Blow now, on a device with a camera: also says that a photo is taken during the blow. */
    BLOW_NOW_CAMERA(LightColour.WHITE, LightPattern.FAST_BLINK, BeepPattern.BLOW_NOW),
    /** The blow was detected and the photo is being taken: white, steady, no sound (the parent is blowing). */
    LOOK_AT_CAMERA(LightColour.WHITE, LightPattern.STEADY, null),
    ABORT_TOO_SHORT(LightColour.AMBER, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    ABORT_TOO_WEAK(LightColour.AMBER, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    ABORT_INTERRUPTED(LightColour.AMBER, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    ABORT_NOT_WARM(LightColour.AMBER, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    ABORT_NO_BLOW(LightColour.AMBER, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    ABORT_SENSOR_FAULT(LightColour.AMBER, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    /** A result under the threshold was saved; also what is said of any result when results are not spoken. */
    RESULT_RECORDED(LightColour.GREEN, LightPattern.STEADY, BeepPattern.DONE),
    /** A positive was saved and a retest is asked for (results spoken). Argument: minutes until the retest. */
    RESULT_POSITIVE(LightColour.AMBER, LightPattern.LONG_BLINK, BeepPattern.DONE),
    /** A positive was saved while no retest can be asked for (results spoken). */
    RESULT_POSITIVE_NO_RETEST(LightColour.AMBER, LightPattern.LONG_BLINK, BeepPattern.DONE),
    /** The retest is due (results spoken; otherwise {@link #WINDOW_OPEN} is said, which tells nothing of a result). */
    RETEST_DUE(LightColour.BLUE, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    /** The retest came out under the threshold (results spoken). */
    CHAIN_CLEARED(LightColour.GREEN, LightPattern.STEADY, BeepPattern.DONE),
    /** The window closed with no test; a late test is still possible. */
    MISSED(LightColour.AMBER, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    /** The outbox is over 80 % of its disk budget. */
    STORAGE_LOW(LightColour.AMBER, LightPattern.TRIPLE_FLASH, BeepPattern.ATTENTION),
    /** The breathalyser is not answering. */
    SENSOR_PROBLEM(LightColour.AMBER, LightPattern.TRIPLE_FLASH, BeepPattern.ATTENTION),

    // ---- the help button: the spoken menu (light: on, steady, while the device reads the choices)
    /** The menu opens: said with {@link #EMERGENCY_112} and {@link #SUPPORT_MENU_STOP}. */
    SUPPORT_MENU_INTRO(LightColour.BLUE, LightPattern.STEADY, BeepPattern.ATTENTION),
    /** Offered: help now. */
    SUPPORT_MENU_HELP_NOW(LightColour.BLUE, LightPattern.STEADY, null),
    /** Offered: a call from a worker. */
    SUPPORT_MENU_CALL_ME(LightColour.BLUE, LightPattern.STEADY, null),
    /** Offered: a problem with the device. */
    SUPPORT_MENU_DEVICE_PROBLEM(LightColour.BLUE, LightPattern.STEADY, null),
    /** The parent pressed the test button in the menu: nothing is sent. */
    SUPPORT_CANCELLED(LightColour.WHITE, LightPattern.HEARTBEAT, null),
    // ---- the request is saved (light: two flashes, until someone has seen it)
    SUPPORT_SAVED_HELP_NOW(LightColour.BLUE, LightPattern.DOUBLE_FLASH, BeepPattern.DONE),
    SUPPORT_SAVED_CALL_ME(LightColour.BLUE, LightPattern.DOUBLE_FLASH, BeepPattern.DONE),
    SUPPORT_SAVED_DEVICE_PROBLEM(LightColour.BLUE, LightPattern.DOUBLE_FLASH, BeepPattern.DONE),
    /** The menu ended without a choice: the request is saved as "help now". */
    SUPPORT_SAVED_NO_CHOICE(LightColour.BLUE, LightPattern.DOUBLE_FLASH, BeepPattern.DONE),
    /** The request could not be saved (the device's storage failed). */
    SUPPORT_NOT_SAVED(LightColour.AMBER, LightPattern.TRIPLE_FLASH, BeepPattern.ATTENTION),
    /** The receiver did not accept the request (quarantined it). */
    SUPPORT_REFUSED(LightColour.AMBER, LightPattern.TRIPLE_FLASH, BeepPattern.ATTENTION),
    // ---- the service's answer (light: steady, for a day or until closed)
    SUPPORT_SEEN_WORKER(LightColour.GREEN, LightPattern.STEADY, BeepPattern.DONE),
    SUPPORT_SEEN_ON_CALL(LightColour.GREEN, LightPattern.STEADY, BeepPattern.DONE),
    SUPPORT_SEEN_TECHNICIAN(LightColour.GREEN, LightPattern.STEADY, BeepPattern.DONE),
    SUPPORT_CLOSED(LightColour.WHITE, LightPattern.HEARTBEAT, BeepPattern.DONE),

    // ---- sentences only, said within a longer message
    /** Always said with anything about help. */
    EMERGENCY_112,
    /** After the menu's introduction and 112: how to stop the menu. */
    SUPPORT_MENU_STOP,
    /** A saved request not yet sent (no connection). */
    SUPPORT_STATE_WAITING,
    /** A request the receiver has stored, not yet seen by anyone. */
    SUPPORT_STATE_ARRIVED,
    /** Arguments: day words, time words. */
    CONTACT_BEFORE,
    /** Arguments: day words, time words. */
    CONTACT_FROM,
    /** Arguments: day words, from-time words, before-time words. */
    CONTACT_BETWEEN,
    /** No time was named. */
    CONTACT_SOON,
    /** Arguments: day words, time words. */
    NEXT_TEST_AT,
    /** Arguments: day words, time words (results spoken; otherwise {@link #NEXT_TEST_AT}). */
    NEXT_RETEST_AT,
    NEXT_TEST_NONE,
    /** After the next test's time, when a press of the test button would start a test on demand. */
    TEST_ANYWAY;

    private final LightColour colour;
    private final LightPattern pattern;
    private final BeepPattern beep;

    Prompt(LightColour colour, LightPattern pattern, BeepPattern beep) {
        this.colour = colour;
        this.pattern = pattern;
        this.beep = beep;
    }

    Prompt() {
        this(null, null, null);
    }

    /** Whether the prompt shows on the light (sentences said within a longer message do not). */
    public boolean light() {
        return colour != null;
    }

    /** The light's colour, or null for a sentence without a light. */
    public LightColour colour() {
        return colour;
    }

    /** The light's rhythm, or null for a sentence without a light. */
    public LightPattern pattern() {
        return pattern;
    }

    /** The sound, or {@code null} for prompts that only light and speak. */
    public BeepPattern beep() {
        return beep;
    }

    /**
     * The name of a recording of this prompt with {@code args}: the constant's name in lower case, then each
     * whole-number argument after a {@code -} ({@code reminder-15}); null when an argument is anything else
     * (a day, a time), which no set of recordings can hold, so that sentence is always synthesised.
     */
    public String audioKey(Object... args) {
        StringBuilder key = new StringBuilder(name().toLowerCase(Locale.ROOT));
        for (Object a : args) {
            if (!(a instanceof Integer || a instanceof Long)) {
                return null;
            }
            key.append('-').append(a);
        }
        return key.toString();
    }
}
