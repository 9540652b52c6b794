package org.breathgate.agent.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedFilesTest {

    @TempDir
    Path dir;

    @Test
    void staged_files_replace_their_targets_only_on_commit_with_their_modes() throws Exception {
        Path a = dir.resolve("a");
        Files.writeString(a, "old");
        try (StagedFiles f = new StagedFiles()) {
            f.stage(a, "new".getBytes(StandardCharsets.UTF_8), "rw-------", StagedFiles.Owner.unchanged(), false);
            f.stage(dir.resolve("b"), "b".getBytes(StandardCharsets.UTF_8), "rw-r-----", StagedFiles.Owner.unchanged(), false);
            assertEquals("old", Files.readString(a));
            assertFalse(Files.exists(dir.resolve("b")));
            f.commit();
        }
        assertEquals("new", Files.readString(a));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a)));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("b"))));
        assertEquals(2, count(), "no temporary files left");
    }

    @Test
    void a_failure_while_staging_leaves_every_target_as_it_was_and_no_temporary_file() throws Exception {
        Path a = dir.resolve("a");
        Files.writeString(a, "old");
        Path blocked = dir.resolve("file-not-dir");
        Files.writeString(blocked, "x");
        try (StagedFiles f = new StagedFiles()) {
            f.stage(a, "new".getBytes(StandardCharsets.UTF_8), "rw-------", StagedFiles.Owner.unchanged(), false);
            assertThrows(IOException.class, () -> f.stage(blocked.resolve("c"), new byte[1], "rw-------", StagedFiles.Owner.unchanged(), false));
        }
        assertEquals("old", Files.readString(a));
        assertEquals(2, count(), "only a and file-not-dir remain");
    }

    private long count() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
