package org.breathgate.agent.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.SigningKey;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceKeyFileTest {

    @TempDir
    Path dir;

    private final SigningKey key = TestKeys.device("home-0001");

    @Test
    void a_key_readable_only_by_its_owner_loads() throws Exception {
        Path file = dir.resolve("device.key");
        DeviceKeyFile.write(file, key);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        SigningKey loaded = DeviceKeyFile.load(file, new KeyId("home-0001", 1));
        assertEquals(key.verificationKey(), loaded.verificationKey());
    }

    @Test
    void a_key_readable_by_others_is_refused_with_the_fix() throws Exception {
        Path file = dir.resolve("device.key");
        DeviceKeyFile.write(file, key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        KeyFileException e = assertThrows(KeyFileException.class, () -> DeviceKeyFile.load(file, new KeyId("home-0001", 1)));
        assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
    }

    @Test
    void a_missing_key_file_says_how_to_make_one() {
        Path file = dir.resolve("absent.key");
        KeyFileException e = assertThrows(KeyFileException.class, () -> DeviceKeyFile.load(file, new KeyId("home-0001", 1)));
        assertTrue(e.getMessage().contains("openssl genpkey -algorithm ed25519"), e.getMessage());
    }

    @Test
    void a_file_that_is_not_a_key_is_refused() throws Exception {
        Path file = dir.resolve("junk.key");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "not a key");
        assertThrows(KeyFileException.class, () -> DeviceKeyFile.load(file, new KeyId("home-0001", 1)));
    }
}
