package org.breathgate.agent.clock;

import org.breathgate.protocol.ClockFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's last look at its clocks, kept on disk ({@code boot id, wall ms, monotonic ms}), so that a wall clock set back
 * while the agent was not running is noticed: across a reboot (monotonic time starts again, but wall time must not go
 * back), or across a restart of the agent within one boot (wall time must have moved as monotonic time did). The
 * {@link ClockJumpDetector} covers the time the agent runs; this covers the gaps between.
 *
 * <p>The file is rewritten at most once per {@link #SAVE_EVERY} (an atomic rename, without fsync: losing the last minute to
 * a power cut only makes the check a minute less strict). Not thread-safe; the agent thread owns it.
 */
public final class ClockMemory {

    private static final Logger LOG = LoggerFactory.getLogger(ClockMemory.class);

    /** How often the last look is saved. */
    public static final Duration SAVE_EVERY = Duration.ofMinutes(1);

    private final Path file;
    private final Duration tolerance;
    private long savedAtMono = Long.MIN_VALUE;
    private String savedBoot;

    /** What was remembered: the last look before now. */
    record Look(String bootId, Instant wall, long monotonicMs) {
    }

    /**
     * @param file      where the last look is kept (in the data folder)
     * @param tolerance how far the clocks may disagree before it counts as a jump (as the jump detector's)
     */
    public ClockMemory(Path file, Duration tolerance) {
        this.file = Objects.requireNonNull(file, "file");
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
    }

    /**
     * Compares the clocks now with the last look saved before the agent stopped; returns a tamper event's detail when the
     * wall clock went back across a reboot, or jumped across a restart within the boot; empty otherwise (also on the first
     * start, or when the file cannot be read). Saves the look now.
     */
    public Optional<String> checkAtStart(ClockFacts now) {
        Optional<Look> last = read();
        remember(now, true);
        if (last.isEmpty()) {
            return Optional.empty();
        }
        Look before = last.get();
        if (!before.bootId().equals(now.bootId())) {
            if (now.wall().isBefore(before.wall().minus(tolerance))) {
                return Optional.of("the wall clock reads " + now.wall() + " after a restart of the device, "
                        + Duration.between(now.wall(), before.wall()).toSeconds() + " s earlier than the " + before.wall()
                        + " it read before: it was set back while the device was off");
            }
            return Optional.empty();
        }
        Instant expected = before.wall().plusMillis(now.monotonicMs() - before.monotonicMs());
        Duration off = Duration.between(expected, now.wall());
        if (off.abs().compareTo(tolerance) > 0) {
            return Optional.of("while the agent was not running, the wall clock moved " + (off.isNegative() ? "back" : "forward")
                    + " by " + off.abs().toSeconds() + " s against the monotonic clock (expected " + expected + ", read " + now.wall()
                    + ")");
        }
        return Optional.empty();
    }

    /** Saves the look now, at most once per {@link #SAVE_EVERY} (or at once after a boot change). */
    public void remember(ClockFacts now) {
        remember(now, false);
    }

    private void remember(ClockFacts now, boolean force) {
        if (!force && savedAtMono != Long.MIN_VALUE && now.bootId().equals(savedBoot)
                && now.monotonicMs() - savedAtMono < SAVE_EVERY.toMillis()) {
            return;
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".new");
            Files.writeString(tmp, now.bootId() + " " + now.wall().toEpochMilli() + " " + now.monotonicMs() + "\n",
                    StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            savedAtMono = now.monotonicMs();
            savedBoot = now.bootId();
        } catch (IOException e) {
            LOG.warn("Cannot keep the clock's last look in {}: {}", file, e.getMessage());
        }
    }

    private Optional<Look> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String[] parts = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
            return Optional.of(new Look(parts[0], Instant.ofEpochMilli(Long.parseLong(parts[1])), Long.parseLong(parts[2])));
        } catch (IOException | RuntimeException e) {
            LOG.warn("The clock's last look in {} cannot be read ({}); starting afresh", file, e.getMessage());
            return Optional.empty();
        }
    }
}
