package org.breathgate.agent.clock;

import java.time.Instant;
import org.breathgate.protocol.ClockFacts;

/**
 * Where the agent gets time. Wall time may be wrong or jump (a Raspberry Pi has no real-time
 * clock); monotonic time never jumps within one boot. Every evidence event carries both, with the
 * boot id and whether the wall clock was synchronised, as {@link ClockFacts}.
 */
public interface ClockSource {

    /** Device wall-clock time now. */
    Instant wall();

    /** Milliseconds since boot from a clock that never jumps. */
    long monotonicMs();

    /** The id of this boot ({@code /proc/sys/kernel/random/boot_id} on Linux). */
    String bootId();

    /** Whether the wall clock is synchronised from the network right now. */
    boolean synced();

    /** All four facts, read together. */
    default ClockFacts facts() {
        return new ClockFacts(wall(), bootId(), monotonicMs(), synced());
    }
}
