package org.breathgate.agent.clock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real clocks. Monotonic time is {@link System#nanoTime()}, which on Linux is
 * {@code CLOCK_MONOTONIC}: time since boot that NTP steps do not move. The boot id is read once
 * from {@code /proc/sys/kernel/random/boot_id}; where that file does not exist (not Linux) a random
 * id is made for this process, so that events are never falsely ordered as one boot.
 */
public final class SystemClockSource implements ClockSource {

    /** Where Linux publishes the boot id. */
    public static final Path BOOT_ID_FILE = Path.of("/proc/sys/kernel/random/boot_id");

    private static final Logger LOG = LoggerFactory.getLogger(SystemClockSource.class);

    private final Clock wall;
    private final SyncProbe sync;
    private final String bootId;

    public SystemClockSource(Clock wall, SyncProbe sync) {
        this.wall = Objects.requireNonNull(wall, "wall");
        this.sync = Objects.requireNonNull(sync, "sync");
        this.bootId = readBootId(BOOT_ID_FILE);
    }

    static String readBootId(Path file) {
        try {
            String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (id.matches("[A-Za-z0-9-]{1,64}")) {
                return id;
            }
            LOG.warn("{} holds an unexpected value; using a random boot id for this run", file);
        } catch (IOException e) {
            LOG.warn("Cannot read {} ({}); using a random boot id for this run", file, e.toString());
        }
        return "proc-" + UUID.randomUUID();
    }

    @Override
    public Instant wall() {
        return wall.instant();
    }

    @Override
    public long monotonicMs() {
        return Math.max(0, System.nanoTime() / 1_000_000);
    }

    @Override
    public String bootId() {
        return bootId;
    }

    @Override
    public boolean synced() {
        return sync.synced();
    }
}
