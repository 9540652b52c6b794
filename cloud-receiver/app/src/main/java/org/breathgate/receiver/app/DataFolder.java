package org.breathgate.receiver.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The receiver's data folder is its own (docs/operations.md, "Files and modes"): the folder and every folder in it 0700,
 * every file 0600, whatever the umask. The receiver's own writes set those modes as they create files (the SQLite database
 * before SQLite opens it, so its -wal and -shm follow; keys, certificates, anchors, photos); this class makes the folder and
 * brings files made by others into line: the embedded broker's (HiveMQ's storage sets no modes), and those of an older
 * version. Run at start, after the broker started, and at stop.
 */
final class DataFolder {

    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataFolder() {
    }

    /** Makes {@code dir} (0700) if absent and sets 0700 / 0600 on it and everything in it. */
    static void secure(Path dir) {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(FOLDER));
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    Files.setPosixFilePermissions(d, FOLDER);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile()) {
                        Files.setPosixFilePermissions(f, FILE);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE; // a file that went away meanwhile (the broker's temporary files)
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data folder " + dir + " the receiver's own (0700, files 0600): " + e.getMessage(), e);
        }
    }
}
