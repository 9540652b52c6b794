package org.breathgate.receiver.evidence.device;

import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.ManualClock;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerLoginsIT {

    private final TestDatabases databases = new TestDatabases();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_login_is_made_for_an_active_device_and_a_new_one_replaces_it(Database.Dialect dialect) {
        try (Database database = databases.open(dialect)) {
            DeviceRegistry registry = new DeviceRegistry(database, clock);
            BrokerLogins logins = new BrokerLogins(database, clock, new SecureRandom());
            registry.enroll(TestKeys.device("home-0001").verificationKey());
            long before = logins.lastChangeId();

            BrokerLogins.Issued first = logins.issue("home-0001", "test");
            assertEquals("home-0001", first.username());
            assertTrue(first.password().length() >= 32, "192 random bits");
            assertTrue(logins.matches("home-0001", first.password()));
            assertFalse(logins.matches("home-0001", first.password() + "x"));
            assertFalse(logins.matches("home-0002", first.password()));
            assertFalse(first.toString().contains(first.password()), "a login's password is never printed by toString");

            BrokerLogins.Issued second = logins.issue("home-0001", "test");
            assertFalse(logins.matches("home-0001", first.password()), "the replaced password stops working");
            assertTrue(logins.matches("home-0001", second.password()));
            assertNotEquals(logins.check("home-0001", second.password()), java.util.Optional.empty());

            List<BrokerLogins.Change> changes = logins.changesAfter(before, 10);
            assertEquals(List.of(BrokerLogins.ChangeKind.ISSUED, BrokerLogins.ChangeKind.ISSUED),
                    changes.stream().map(BrokerLogins.Change::kind).toList());
            assertEquals(List.of("home-0001"), logins.devicesWithLogins());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void revoking_a_device_removes_its_login_in_the_same_step_and_logs_the_change(Database.Dialect dialect) {
        try (Database database = databases.open(dialect)) {
            DeviceRegistry registry = new DeviceRegistry(database, clock);
            BrokerLogins logins = new BrokerLogins(database, clock, new SecureRandom());
            registry.enroll(TestKeys.device("home-0001").verificationKey());
            String password = logins.issue("home-0001", "test").password();
            long before = logins.lastChangeId();

            registry.revokeDevice("home-0001");

            assertFalse(logins.matches("home-0001", password));
            assertTrue(logins.issuedAt("home-0001").isEmpty());
            assertEquals(List.of(BrokerLogins.ChangeKind.REMOVED), logins.changesAfter(before, 10).stream().map(BrokerLogins.Change::kind).toList());
            assertThrows(IllegalArgumentException.class, () -> logins.issue("home-0001", "test"), "a revoked device gets no login");
            assertThrows(IllegalArgumentException.class, () -> logins.issue("home-0099", "test"), "nor an unknown one");
        }
    }

    @org.junit.jupiter.api.Test
    void a_hash_made_by_mosquitto_passwd_is_checked_as_mosquitto_checks_it() throws Exception {
        java.nio.file.Path file = databases.newFolder().resolve("passwords");
        java.nio.file.Files.writeString(file, "");
        Process p = new ProcessBuilder("mosquitto_passwd", "-b", file.toString(), "home-0001", "s3cret-password").redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0,
                new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        String line = java.nio.file.Files.readString(file).strip();
        String hash = line.substring(line.indexOf(':') + 1);
        assertTrue(hash.startsWith("$7$"), line);
        assertTrue(MosquittoPasswords.matches("s3cret-password", hash), "Mosquitto's own hash: " + hash);
        assertFalse(MosquittoPasswords.matches("S3cret-password", hash));
        assertFalse(MosquittoPasswords.matches("s3cret-password", "not a hash"));
    }
}
