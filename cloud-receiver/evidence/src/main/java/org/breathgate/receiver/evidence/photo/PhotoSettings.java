package org.breathgate.receiver.evidence.photo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the receiver keeps photos (docs/identity.md).
 *
 * @param storage            where stored photos' bytes go: files under {@code dir} (default) or the database
 * @param dir                the photo folder, {@code <data-dir>/photos} by default
 * @param maxHeldPerDevice   photos held for a reading that has not arrived, per device, at most (8): more is {@code busy}
 * @param maxHeldBytes       bytes of such photos, all devices, at most (64 MiB): more is {@code busy}
 * @param holdFor            how long such a photo is held before it is dropped (14 days; the device still has it
 *                           and sends it again)
 */
public record PhotoSettings(Storage storage, Path dir, int maxHeldPerDevice, long maxHeldBytes, Duration holdFor) {

    /** Where the bytes of stored photos are kept. */
    public enum Storage {
        /** One file per photo under the photo folder, written with fsync and an atomic rename. */
        FILE,
        /** In the {@code photos} table (SQLite file or PostgreSQL), beside the readings. */
        DATABASE
    }

    public PhotoSettings {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(holdFor, "holdFor");
        if (maxHeldPerDevice < 1 || maxHeldBytes < 1 || holdFor.isNegative() || holdFor.isZero()) {
            throw new IllegalArgumentException("photo hold limits must be positive");
        }
    }

    /** The defaults for a receiver whose data folder is {@code dataDir}. */
    public static PhotoSettings defaults(Path dataDir) {
        return new PhotoSettings(Storage.FILE, dataDir.resolve("photos"), 8, 64L * 1024 * 1024, Duration.ofDays(14));
    }

    public PhotoSettings withStorage(Storage storage) {
        return new PhotoSettings(storage, dir, maxHeldPerDevice, maxHeldBytes, holdFor);
    }

    public PhotoSettings withHoldFor(Duration holdFor) {
        return new PhotoSettings(storage, dir, maxHeldPerDevice, maxHeldBytes, holdFor);
    }
}
