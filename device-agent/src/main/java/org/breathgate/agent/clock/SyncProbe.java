package org.breathgate.agent.clock;

/** Tells whether the system clock is synchronised (NTP or similar). */
@FunctionalInterface
public interface SyncProbe {

    /** Whether the wall clock is synchronised now; false when it cannot be told. */
    boolean synced();
}
