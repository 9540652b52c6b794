package org.breathgate.receiver.evidence.device;

import org.breathgate.protocol.KeyId;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceRegistryIT {

    private final TestDatabases databases = new TestDatabases();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void an_enrolled_key_is_found_and_enrolling_it_again_changes_nothing(Database.Dialect dialect) {
        try (Database database = databases.open(dialect)) {
            DeviceRegistry registry = new DeviceRegistry(database, clock);
            registry.enroll(TestKeys.device("home-0001").verificationKey());
            registry.enroll(TestKeys.device("home-0001").verificationKey());

            assertEquals(TestKeys.device("home-0001").verificationKey(), registry.find(new KeyId("home-0001", 1)).orElseThrow());
            Device device = registry.device("home-0001").orElseThrow();
            assertEquals(1, device.keys().size());
            assertEquals(clock.instant(), device.enrolledAt());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_key_version_cannot_be_enrolled_again_with_another_key(Database.Dialect dialect) {
        try (Database database = databases.open(dialect)) {
            DeviceRegistry registry = new DeviceRegistry(database, clock);
            registry.enroll(TestKeys.device("home-0001").verificationKey());
            var impostor = org.breathgate.protocol.VerificationKey.fromRaw(new KeyId("home-0001", 1),
                    TestKeys.device("home-0002").verificationKey().raw());
            assertThrows(IllegalArgumentException.class, () -> registry.enroll(impostor));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_rotated_device_has_both_versions_and_a_revoked_version_is_refused(Database.Dialect dialect) {
        try (Database database = databases.open(dialect)) {
            DeviceRegistry registry = new DeviceRegistry(database, clock);
            registry.enroll(TestKeys.device("home-0001", 1).verificationKey());
            assertFalse(assertInstanceOf(KeyStatus.Valid.class, registry.status(new KeyId("home-0001", 1))).superseded());
            registry.enroll(TestKeys.device("home-0001", 2).verificationKey());
            assertTrue(assertInstanceOf(KeyStatus.Valid.class, registry.status(new KeyId("home-0001", 1))).superseded(),
                    "a rotation supersedes the cached older version at once");
            assertFalse(assertInstanceOf(KeyStatus.Valid.class, registry.status(new KeyId("home-0001", 2))).superseded());
            registry.revokeKey(new KeyId("home-0001", 1));

            assertInstanceOf(KeyStatus.RevokedKey.class, registry.status(new KeyId("home-0001", 1)));
            assertInstanceOf(KeyStatus.Valid.class, registry.status(new KeyId("home-0001", 2)));
            assertTrue(registry.find(new KeyId("home-0001", 1)).isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_revoked_device_has_no_valid_key_and_cannot_be_enrolled_again(Database.Dialect dialect) {
        try (Database database = databases.open(dialect)) {
            DeviceRegistry registry = new DeviceRegistry(database, clock);
            registry.enroll(TestKeys.device("home-0001").verificationKey());
            registry.status(new KeyId("home-0001", 1));
            registry.revokeDevice("home-0001");

            assertInstanceOf(KeyStatus.RevokedDevice.class, registry.status(new KeyId("home-0001", 1)));
            assertThrows(IllegalStateException.class, () -> registry.enroll(TestKeys.device("home-0001", 2).verificationKey()));
            assertTrue(registry.device("home-0001").orElseThrow().revoked());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void unknown_devices_and_versions_are_unknown(Database.Dialect dialect) {
        try (Database database = databases.open(dialect)) {
            DeviceRegistry registry = new DeviceRegistry(database, clock);
            registry.enroll(TestKeys.device("home-0001").verificationKey());
            assertInstanceOf(KeyStatus.Unknown.class, registry.status(new KeyId("home-0002", 1)));
            assertInstanceOf(KeyStatus.Unknown.class, registry.status(new KeyId("home-0001", 2)));
            assertThrows(IllegalArgumentException.class, () -> registry.revokeDevice("home-0002"));
            assertThrows(IllegalArgumentException.class, () -> registry.enroll(TestKeys.receiver().verificationKey()));
        }
    }
}
