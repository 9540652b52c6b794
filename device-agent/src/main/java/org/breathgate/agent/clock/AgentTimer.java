package org.breathgate.agent.clock;

import java.time.Duration;

/**
 * Runs a task later on the agent's own thread: the help menu's steps, the wait that tells one press of a
 * button from two. Passed in, so that tests step time by hand instead of sleeping.
 */
@FunctionalInterface
public interface AgentTimer {

    /** Runs {@code task} on the agent thread after {@code delay}, unless cancelled first. */
    Scheduled after(Duration delay, Runnable task);

    /** A task waiting to run. */
    @FunctionalInterface
    interface Scheduled {
        /** It will not run (no effect once it has). */
        void cancel();
    }
}
