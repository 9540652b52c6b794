package org.breathgate.agent.cli;

/** Exit codes of {@code breathgate-agent}, documented in {@code docs/install.md}. */
final class Exit {
    static final int OK = 0;
    /** {@code doctor} found a problem; {@code status} found the agent not running. */
    static final int CHECK_FAILED = 1;
    /** Wrong or missing options, an invalid configuration or input. */
    static final int USAGE = 2;
    /** A key file is missing, unreadable or readable by others. */
    static final int KEY = 3;
    /** The breathalyser or the GPIO pins could not be used. */
    static final int HARDWARE = 4;
    /** The receiver refused the request or could not be reached safely. */
    static final int RECEIVER = 5;
    /** Refused to change a device in its current state (unsent readings, not confirmed, not enrolled). */
    static final int REFUSED = 6;
    /** Writing files failed. */
    static final int IO = 7;
    /** A bug. */
    static final int SOFTWARE = 70;

    private Exit() {
    }
}
