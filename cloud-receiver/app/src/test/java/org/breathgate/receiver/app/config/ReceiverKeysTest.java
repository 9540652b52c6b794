package org.breathgate.receiver.app.config;

import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.VerificationKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReceiverKeysTest {

    @TempDir
    Path dir;

    @Test
    void a_missing_key_is_generated_readable_by_the_owner_only_with_its_public_half_beside_it() throws Exception {
        Path file = dir.resolve("keys/receiver-key.pem");
        SigningKey key = ReceiverKeys.loadOrCreate(file, 2, new SecureRandom());

        assertEquals(KeyId.receiver(2), key.keyId());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(key.verificationKey(), VerificationKey.fromPem(KeyId.receiver(2),
                Files.readString(ReceiverKeys.publicKeyFile(file))));
    }

    @Test
    void an_existing_key_is_read_back_unchanged() {
        Path file = dir.resolve("receiver-key.pem");
        SigningKey made = ReceiverKeys.loadOrCreate(file, 1, new SecureRandom());
        SigningKey read = ReceiverKeys.loadOrCreate(file, 1, new SecureRandom());
        assertEquals(made.verificationKey(), read.verificationKey());
    }

    @Test
    void a_file_that_is_not_a_key_is_refused_with_its_name() throws Exception {
        Path file = Files.writeString(dir.resolve("receiver-key.pem"), "not a key");
        ConfigException e = assertThrows(ConfigException.class, () -> ReceiverKeys.loadOrCreate(file, 1, new SecureRandom()));
        assertEquals(true, e.getMessage().contains(file.toString()), e.getMessage());
    }
}
