package org.breathgate.receiver.ingest.deviceapi;

import org.breathgate.attestation.AttestationRequest;
import org.breathgate.attestation.Challenge;
import org.breathgate.attestation.PendingChallenge;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.https.ApiException;
import org.breathgate.testkit.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attestation challenges between enrollment's two steps, in a real SQLite file and a real PostgreSQL. */
class OpenChallengesIT {

    private static final TestDatabases DATABASES = new TestDatabases();

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T08:00:00Z"));

    @AfterAll
    static void closeDatabases() {
        DATABASES.close();
    }

    private PendingChallenge pending(String id) {
        AttestationRequest request = new AttestationRequest(bytes(1, 700), List.of(bytes(2, 650), bytes(3, 600)), bytes(4, 90));
        Challenge challenge = new Challenge(id, bytes(5, 200), bytes(6, 256), bytes(7, 32), clock.instant().plus(Duration.ofMinutes(10)));
        return new PendingChallenge(request, challenge, bytes(8, 32));
    }

    private static byte[] bytes(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_challenge_asked_at_one_receiver_is_taken_once_at_another_on_the_same_database(Database.Dialect dialect) throws Exception {
        String url = DATABASES.newUrl(dialect);
        try (Database first = Database.open(url); Database second = Database.open(url)) {
            PendingChallenge asked = pending("ch-1");
            new OpenChallenges(first, clock).add(asked, "code-hash-1");
            OpenChallenges.Open taken = new OpenChallenges(second, clock).take("ch-1").orElseThrow();
            assertEquals("code-hash-1", taken.codeHash());
            assertArrayEquals(asked.secret(), taken.pending().secret());
            assertArrayEquals(asked.challenge().nonce(), taken.pending().challenge().nonce());
            assertArrayEquals(asked.challenge().credentialBlob(), taken.pending().challenge().credentialBlob());
            assertArrayEquals(asked.challenge().encryptedSecret(), taken.pending().challenge().encryptedSecret());
            assertEquals(asked.challenge().expires(), taken.pending().challenge().expires());
            assertArrayEquals(asked.request().ekCertificate(), taken.pending().request().ekCertificate());
            assertEquals(2, taken.pending().request().ekChain().size());
            assertArrayEquals(asked.request().ekChain().get(1), taken.pending().request().ekChain().get(1));
            assertArrayEquals(asked.request().akPublic(), taken.pending().request().akPublic());
            assertEquals(Optional.empty(), new OpenChallenges(first, clock).take("ch-1"), "used once");
            assertEquals(Optional.empty(), new OpenChallenges(first, clock).take("never-asked"));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void two_receivers_taking_the_same_challenge_at_once_give_it_to_exactly_one(Database.Dialect dialect) throws Exception {
        String url = DATABASES.newUrl(dialect);
        try (Database first = Database.open(url); Database second = Database.open(url)) {
            for (int round = 0; round < 20; round++) {
                String id = "race-" + round;
                new OpenChallenges(first, clock).add(pending(id), "h");
                List<Callable<Boolean>> takers = List.of(() -> new OpenChallenges(first, clock).take(id).isPresent(),
                        () -> new OpenChallenges(second, clock).take(id).isPresent());
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    int got = 0;
                    for (Future<Boolean> f : pool.invokeAll(takers)) {
                        got += f.get() ? 1 : 0;
                    }
                    assertEquals(1, got, "round " + round);
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @Test
    void an_expired_challenge_is_not_handed_out_and_is_deleted_at_the_next_step_one() throws Exception {
        try (Database db = DATABASES.open(Database.Dialect.SQLITE)) {
            OpenChallenges open = new OpenChallenges(db, clock);
            open.add(pending("old"), "h");
            open.add(pending("old-2"), "h");
            clock.advance(Duration.ofMinutes(11));
            assertEquals(Optional.empty(), open.take("old"));
            open.add(pending("new"), "h");
            assertEquals(1L, (long) db.read(c -> {
                try (var rs = c.createStatement().executeQuery("select count(*) from attestation_challenges")) {
                    rs.next();
                    return rs.getLong(1);
                }
            }), "only the new one is left");
        }
    }

    @Test
    void beyond_a_thousand_open_challenges_step_one_is_told_to_come_back() throws Exception {
        try (Database db = DATABASES.open(Database.Dialect.SQLITE)) {
            OpenChallenges open = new OpenChallenges(db, clock);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < OpenChallenges.MAX_OPEN; i++) {
                ids.add("c" + i);
                open.add(pending("c" + i), "h");
            }
            ApiException busy = assertThrows(ApiException.class, () -> open.add(pending("one-too-many"), "h"));
            assertEquals(503, busy.status());
            assertEquals("busy", busy.code());
            assertTrue(open.take(ids.get(0)).isPresent());
            open.add(pending("room-again"), "h");
        }
    }
}
