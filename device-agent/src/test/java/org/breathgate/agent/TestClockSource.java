package org.breathgate.agent;

import java.time.Duration;
import java.time.Instant;
import org.breathgate.agent.clock.ClockSource;

/** A clock the test moves by hand: wall and monotonic time advance together unless a test jumps the wall clock. */
public final class TestClockSource implements ClockSource {
    private Instant wall;
    private long mono = 1_000;
    private boolean synced = true;

    public TestClockSource(Instant start) {
        this.wall = start;
    }

    public synchronized void advance(Duration d) {
        wall = wall.plus(d);
        mono += d.toMillis();
    }

    public synchronized void jumpWallTo(Instant to) {
        wall = to;
    }

    public synchronized void setSynced(boolean s) {
        synced = s;
    }

    @Override
    public synchronized Instant wall() {
        return wall;
    }

    @Override
    public synchronized long monotonicMs() {
        return mono;
    }

    @Override
    public String bootId() {
        return "test-boot-1";
    }

    @Override
    public synchronized boolean synced() {
        return synced;
    }
}
