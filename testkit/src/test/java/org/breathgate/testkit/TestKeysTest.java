package org.breathgate.testkit;

import org.breathgate.protocol.KeyId;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestKeysTest {

    @Test
    void the_same_device_name_always_gives_the_same_key() {
        assertArrayEquals(TestKeys.device("home-0001").verificationKey().raw(), TestKeys.device("home-0001").verificationKey().raw());
    }

    @Test
    void devices_versions_and_the_receiver_have_different_keys() {
        byte[] one = TestKeys.device("home-0001").verificationKey().raw();
        assertFalse(java.util.Arrays.equals(one, TestKeys.device("home-0002").verificationKey().raw()));
        assertFalse(java.util.Arrays.equals(one, TestKeys.device("home-0001", 2).verificationKey().raw()));
        assertFalse(java.util.Arrays.equals(one, TestKeys.receiver().verificationKey().raw()));
    }

    @Test
    void keys_carry_the_kid_they_were_asked_for() {
        assertEquals(new KeyId("home-0001", 2), TestKeys.device("home-0001", 2).keyId());
        assertEquals(KeyId.receiver(1), TestKeys.receiver().keyId());
    }

    @Test
    void the_resolver_knows_the_named_devices_and_the_receiver_only() {
        var resolver = TestKeys.resolver("home-0001");
        assertTrue(resolver.find(new KeyId("home-0001", 1)).isPresent());
        assertTrue(resolver.find(KeyId.receiver(1)).isPresent());
        assertFalse(resolver.find(new KeyId("home-0002", 1)).isPresent());
    }
}
