package org.breathgate.agent.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.breathgate.protocol.ClockFacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent notices a wall clock set back while it was not running (issue 16). */
class ClockMemoryTest {

    private static final Instant T = Instant.parse("2026-11-25T06:00:00Z");

    @TempDir
    Path dir;

    private ClockMemory memory() {
        return new ClockMemory(dir.resolve("clock-memory"), Duration.ofSeconds(10));
    }

    @Test
    void the_first_start_and_an_honest_reboot_raise_nothing() {
        assertEquals(Optional.empty(), memory().checkAtStart(new ClockFacts(T, "boot-1", 60_000, true)));
        assertEquals(Optional.empty(), memory().checkAtStart(new ClockFacts(T.plus(Duration.ofHours(3)), "boot-2", 30_000, true)));
    }

    @Test
    void a_clock_set_back_across_a_reboot_is_noticed() {
        ClockMemory before = memory();
        before.checkAtStart(new ClockFacts(T, "boot-1", 60_000, true));
        before.remember(new ClockFacts(T.plus(Duration.ofMinutes(5)), "boot-1", 360_000, true));
        Optional<String> after = memory().checkAtStart(new ClockFacts(T.minus(Duration.ofHours(6)), "boot-2", 30_000, false));
        assertTrue(after.isPresent() && after.get().contains("set back while the device was off"), after.toString());
    }

    @Test
    void a_clock_moved_while_the_agent_was_stopped_within_one_boot_is_noticed() {
        memory().checkAtStart(new ClockFacts(T, "boot-1", 60_000, true));
        // The agent restarts ten minutes later by the monotonic clock, but the wall clock says two hours later.
        Optional<String> after = memory().checkAtStart(new ClockFacts(T.plus(Duration.ofHours(2)), "boot-1", 660_000, true));
        assertTrue(after.isPresent() && after.get().contains("forward by 6600 s"), after.toString());
        assertEquals(Optional.empty(), memory().checkAtStart(new ClockFacts(T.plus(Duration.ofHours(2)).plusSeconds(60), "boot-1", 720_000,
                true)), "measured against the last look");
    }

    @Test
    void looks_are_saved_at_most_once_a_minute() throws Exception {
        ClockMemory m = memory();
        m.checkAtStart(new ClockFacts(T, "boot-1", 0, true));
        String first = java.nio.file.Files.readString(dir.resolve("clock-memory"));
        m.remember(new ClockFacts(T.plusSeconds(30), "boot-1", 30_000, true));
        assertEquals(first, java.nio.file.Files.readString(dir.resolve("clock-memory")));
        m.remember(new ClockFacts(T.plusSeconds(61), "boot-1", 61_000, true));
        assertTrue(java.nio.file.Files.readString(dir.resolve("clock-memory")).contains(" 61000"));
    }
}
