package org.breathgate.receiver.evidence.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.breathgate.testkit.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two receivers' job leases on one database: a job runs on one of them per period, and moves on when its holder dies. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobLeasesIT {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration LEASE = Duration.ofMinutes(10);
    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void close() {
        databases.close();
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_job_runs_on_one_instance_per_period(Database.Dialect dialect) throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
        try (Database database = databases.open(dialect)) {
            JobLeases one = new JobLeases(database, "receiver-one", clock);
            JobLeases two = new JobLeases(database, "receiver-two", clock);
            assertTrue(one.claim("anchor", HOUR, LEASE), "the first to ask runs it");
            assertFalse(two.claim("anchor", HOUR, LEASE), "the other does not, while one holds it");
            one.done("anchor");
            assertFalse(two.claim("anchor", HOUR, LEASE), "nor once it ran, until the period has passed");
            assertTrue(two.claim("retention", HOUR, LEASE), "another job is another lease");
            clock.advance(HOUR);
            assertTrue(two.claim("anchor", HOUR, LEASE), "a period later, whoever asks first");
            assertFalse(one.claim("anchor", HOUR, LEASE));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_job_whose_holder_died_is_taken_over_when_the_lease_lapses(Database.Dialect dialect) throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
        try (Database database = databases.open(dialect)) {
            JobLeases one = new JobLeases(database, "receiver-one", clock);
            JobLeases two = new JobLeases(database, "receiver-two", clock);
            assertTrue(one.claim("silence", Duration.ofMinutes(1), LEASE));
            // receiver one dies without done() or release()
            clock.advance(LEASE.minusSeconds(1));
            assertFalse(two.claim("silence", Duration.ofMinutes(1), LEASE), "the lease still holds");
            clock.advance(Duration.ofSeconds(2));
            assertTrue(two.claim("silence", Duration.ofMinutes(1), LEASE), "taken over once it lapsed");
            two.release("silence");
            assertTrue(one.claim("silence", Duration.ofMinutes(1), LEASE), "a failed run frees the job at once, not recorded as run");
        }
    }
}
