package org.breathgate.receiver.care.people;

import org.breathgate.care.access.Actor;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** At most a set number of Argon2id hashes run at once (each takes its memory cost); the rest wait, or are told to retry. */
class PasswordHashingLimitIT {

    private static final PasswordHasher.Cost COST = new PasswordHasher.Cost(8 * 1024, 2, 1); // ~8 MiB, some tens of ms
    private final TestDatabases databases = new TestDatabases();

    @AfterEach
    void close() {
        databases.close();
    }

    @Test
    void sixteen_sign_ins_at_once_never_run_more_than_two_hashes_at_a_time() throws Exception {
        try (Database db = databases.open(Database.Dialect.SQLITE)) {
            Users users = new Users(db, new PasswordHasher(COST, new SecureRandom()), 2, Duration.ofSeconds(60));
            users.add(Actor.technician("tech"), "a long enough password".toCharArray(), Instant.now());
            AtomicInteger most = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            Thread watcher = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    most.accumulateAndGet(users.hashesRunning(), Math::max);
                }
            });
            watcher.start();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return users.passwordMatches("tech", "a long enough password".toCharArray());
                }));
            }
            go.countDown();
            int matched = 0;
            for (Future<Boolean> f : results) {
                matched += f.get(120, TimeUnit.SECONDS) ? 1 : 0;
            }
            watcher.interrupt();
            watcher.join();
            pool.shutdown();
            assertEquals(16, matched, "every sign-in got its turn");
            assertTrue(most.get() <= 2 && most.get() >= 1, "hashes at once: " + most.get());
        }
    }

    @Test
    void a_sign_in_that_finds_no_slot_in_time_is_told_to_try_again_not_queued_for_ever() throws Exception {
        try (Database db = databases.open(Database.Dialect.SQLITE)) {
            Users users = new Users(db, new PasswordHasher(new PasswordHasher.Cost(64 * 1024, 8, 1), new SecureRandom()), 1,
                    Duration.ofMillis(1));
            users.add(Actor.technician("tech"), "a long enough password".toCharArray(), Instant.now());
            ExecutorService pool = Executors.newFixedThreadPool(6);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        return Boolean.toString(users.passwordMatches("tech", "a long enough password".toCharArray()));
                    } catch (PasswordHashingBusy e) {
                        return "busy";
                    }
                }));
            }
            go.countDown();
            long busy = 0;
            for (Future<String> f : results) {
                busy += f.get(120, TimeUnit.SECONDS).equals("busy") ? 1 : 0;
            }
            pool.shutdown();
            assertTrue(busy >= 1, "with one slot and no patience, some are told to retry");
        }
    }
}
