package org.breathgate.receiver.care.gate;

import org.breathgate.care.audit.AuditAnchor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Copies of the audit log's head hash kept outside the database, one line each:
 * {@code <seq> <hash> <taken at>}. Someone who can rewrite the database cannot silently rewrite these
 * too, unless they also have the receiver's data folder; copy the file elsewhere (or e-mail its last
 * line to the auditor) for protection against that as well.
 */
public final class AnchorFile {

    private final Path file;

    public AnchorFile(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /** The conventional place: {@code audit-anchors.txt} in the receiver's data folder. */
    public static AnchorFile in(Path dataDir) {
        return new AnchorFile(dataDir.resolve("audit-anchors.txt"));
    }

    public Path path() {
        return file;
    }

    /** Every anchor in the file; none when it does not exist yet. */
    public synchronized List<AuditAnchor> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<AuditAnchor> anchors = new ArrayList<>();
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.trim().split("\\s+");
                try {
                    anchors.add(new AuditAnchor(Long.parseLong(parts[0]), parts[1]));
                } catch (RuntimeException e) {
                    throw new IllegalStateException("audit anchor file " + file + " line " + n + " is not '<seq> <hash> <time>': "
                            + line, e);
                }
            }
            return List.copyOf(anchors);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit anchor file " + file, e);
        }
    }

    /** Appends {@code anchor}, durably (the file is forced to disk). */
    public synchronized void append(AuditAnchor anchor, Instant at) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            byte[] line = (anchor.seq() + " " + anchor.hash() + " " + at + "\n").getBytes(StandardCharsets.UTF_8);
            // 0600 whatever the umask: the anchors are the receiver's own (docs/operations.md, "Files and modes").
            try (var channel = java.nio.channels.FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")))) {
                channel.write(java.nio.ByteBuffer.wrap(line));
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit anchor file " + file, e);
        }
    }
}
