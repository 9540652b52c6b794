package org.breathgate.agent.buttons;

/**
 * What the parent did with the two buttons. Only presses are counted, never how long a button is held: the
 * breathalyser's own buttons report a press and nothing more, and a count is easier to learn under stress.
 */
public enum Gesture {
    /** The test button, pressed once. */
    TEST_ONCE,
    /** The test button, pressed twice quickly: "say it again". */
    TEST_TWICE,
    /**
     * The help button, pressed: at once, never waiting to see whether a second press follows, because a parent
     * in distress may press it again and again; each press is its own answer in the help menu.
     */
    HELP
}
