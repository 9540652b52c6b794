package org.breathgate.agent.prompt;

import org.breathgate.hardware.BeepPattern;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;

/**
 * Everything the device tells the parent, each with its light, its sound and its spoken text (in
 * {@code prompts_fi/sv/en.properties}, keyed by the constant's name). The light alone says what is
 * needed for a parent who does not read: blue blinking asks for a test, white fast blinking means
 * blow now, green means recorded, amber means please wait or try again. There is no red.
 */
public enum Prompt {
    /** A test window opened. Argument: none. */
    WINDOW_OPEN(LightColour.BLUE, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    /** The window is still open. Argument: minutes left. */
    REMINDER(LightColour.BLUE, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    /** Not to eat, drink or smoke before the test. Argument: minutes to wait. */
    ABSTAIN(LightColour.BLUE, LightPattern.STEADY, null),
    /** The sensor is warming up. */
    WARMING_UP(LightColour.AMBER, LightPattern.SLOW_BLINK, null),
    /** Blow now. */
    BLOW_NOW(LightColour.WHITE, LightPattern.FAST_BLINK, BeepPattern.BLOW_NOW),
    /** Blow now, on a device with a camera: also says that a photo is taken during the blow. */
    BLOW_NOW_CAMERA(LightColour.WHITE, LightPattern.FAST_BLINK, BeepPattern.BLOW_NOW),
    /** The blow was detected and the photo is being taken: white, steady, no sound (the parent is blowing). */
    LOOK_AT_CAMERA(LightColour.WHITE, LightPattern.STEADY, null),
    ABORT_TOO_SHORT(LightColour.AMBER, LightPattern.STEADY, BeepPattern.ATTENTION),
    ABORT_TOO_WEAK(LightColour.AMBER, LightPattern.STEADY, BeepPattern.ATTENTION),
    ABORT_INTERRUPTED(LightColour.AMBER, LightPattern.STEADY, BeepPattern.ATTENTION),
    ABORT_NOT_WARM(LightColour.AMBER, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    ABORT_NO_BLOW(LightColour.AMBER, LightPattern.STEADY, BeepPattern.ATTENTION),
    ABORT_SENSOR_FAULT(LightColour.AMBER, LightPattern.STEADY, BeepPattern.ATTENTION),
    /** A result under the threshold was recorded. */
    RESULT_RECORDED(LightColour.GREEN, LightPattern.STEADY, BeepPattern.DONE),
    /** A positive was recorded and a retest is asked for. Argument: minutes until the retest. */
    RESULT_POSITIVE(LightColour.AMBER, LightPattern.STEADY, BeepPattern.DONE),
    /** A positive was recorded while no retest can be asked for (limit reached or retests off). */
    RESULT_POSITIVE_NO_RETEST(LightColour.AMBER, LightPattern.STEADY, BeepPattern.DONE),
    /** The retest is due. */
    RETEST_DUE(LightColour.BLUE, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    /** The retest came out under the threshold. */
    CHAIN_CLEARED(LightColour.GREEN, LightPattern.STEADY, BeepPattern.DONE),
    /** The window closed with no test; a late test is still possible. */
    MISSED(LightColour.AMBER, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    /** The support request is stored and will be sent. */
    SUPPORT_SENT(LightColour.BLUE, LightPattern.STEADY, BeepPattern.DONE),
    /** The outbox is over 80 % of its disk budget. */
    STORAGE_LOW(LightColour.AMBER, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION),
    /** The breathalyser is not answering. */
    SENSOR_PROBLEM(LightColour.AMBER, LightPattern.SLOW_BLINK, BeepPattern.ATTENTION);

    private final LightColour colour;
    private final LightPattern pattern;
    private final BeepPattern beep;

    Prompt(LightColour colour, LightPattern pattern, BeepPattern beep) {
        this.colour = colour;
        this.pattern = pattern;
        this.beep = beep;
    }

    public LightColour colour() {
        return colour;
    }

    public LightPattern pattern() {
        return pattern;
    }

    /** The sound, or {@code null} for prompts that only light and speak. */
    public BeepPattern beep() {
        return beep;
    }
}
