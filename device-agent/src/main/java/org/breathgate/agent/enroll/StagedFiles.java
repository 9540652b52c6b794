package org.breathgate.agent.enroll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Writes several files as one change, as far as a file system allows: each is first written in full
 * to a temporary file beside its target (created with its final permissions, so a secret is never
 * readable by others even for a moment), flushed to disk and given its owner; only when every one is
 * staged are they renamed over their targets, in the order staged — put the file that marks the
 * change as done (the configuration) last. A failure while staging removes the temporary files and
 * leaves every target as it was.
 */
public final class StagedFiles implements AutoCloseable {

    /** Who owns what is written: the service's user and group, when they exist. */
    public record Owner(Optional<UserPrincipal> user, Optional<GroupPrincipal> group) {
        public Owner {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(group, "group");
        }

        /** Keep whoever runs the tool as owner (tests, or no service user installed yet). */
        public static Owner unchanged() {
            return new Owner(Optional.empty(), Optional.empty());
        }
    }

    private record Staged(Path temp, Path target) {
    }

    private final List<Staged> staged = new ArrayList<>();
    private boolean committed;

    /** Stages {@code content} for {@code target} with mode {@code mode} (e.g. {@code rw-r-----}). */
    public void stage(Path target, byte[] content, String mode, Owner owner, boolean ownerIsUser) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".new", PosixFilePermissions.asFileAttribute(perms));
        staged.add(new Staged(temp, target));
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.setPosixFilePermissions(temp, perms); // the umask may have narrowed them at creation
        PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
        if (ownerIsUser && owner.user().isPresent()) {
            view.setOwner(owner.user().get());
        }
        if (owner.group().isPresent()) {
            view.setGroup(owner.group().get());
        }
    }

    /** Renames every staged file over its target, in order, and flushes the folders. */
    public void commit() throws IOException {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Staged s : staged) {
            try {
                Files.move(s.temp(), s.target(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(s.temp(), s.target(), StandardCopyOption.REPLACE_EXISTING);
            }
            dirs.add(s.target().toAbsolutePath().getParent());
        }
        committed = true;
        for (Path dir : dirs) {
            syncDirectory(dir);
        }
    }

    /** Flushes a folder's entries (a rename is durable only then). */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a folder for syncing; the rename is still atomic.
        }
    }

    /** Removes staged files not committed. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        for (Staged s : staged) {
            try {
                Files.deleteIfExists(s.temp());
            } catch (IOException e) {
                // best effort: a leftover ".new" file is ignored by everything
            }
        }
    }
}
