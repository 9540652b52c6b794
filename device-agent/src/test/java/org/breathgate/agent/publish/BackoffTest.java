package org.breathgate.agent.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delays_double_from_the_first_step_and_stay_within_half_to_full_step() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new Random(1));
        long step = 1000;
        for (int i = 0; i < 6; i++) {
            long d = b.next().toMillis();
            assertTrue(d >= step / 2 && d <= step, "attempt " + i + ": " + d + " ms for step " + step);
            step *= 2;
        }
    }

    @Test
    void delays_never_exceed_the_cap() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new Random(2));
        for (int i = 0; i < 100; i++) {
            assertTrue(b.next().compareTo(Duration.ofSeconds(30)) <= 0);
        }
    }

    @Test
    void a_reset_starts_again_from_the_first_step() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new Random(3));
        for (int i = 0; i < 8; i++) {
            b.next();
        }
        b.reset();
        assertTrue(b.next().toMillis() <= 1000);
    }

    @Test
    void a_thousand_devices_failing_together_do_not_come_back_in_lock_step() {
        Random seeds = new Random(4);
        Set<Long> secondOfReturn = new HashSet<>();
        int maxInOneSecond = 0;
        int[] perSecond = new int[400];
        for (int device = 0; device < 1000; device++) {
            Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new Random(seeds.nextLong()));
            long total = 0;
            for (int attempt = 0; attempt < 7; attempt++) { // the broker is down for about a minute
                total += b.next().toMillis();
            }
            int s = (int) (total / 1000);
            secondOfReturn.add((long) s);
            perSecond[s]++;
            maxInOneSecond = Math.max(maxInOneSecond, perSecond[s]);
        }
        assertTrue(secondOfReturn.size() > 50, "returns spread over only " + secondOfReturn.size() + " seconds");
        assertTrue(maxInOneSecond < 60, "as many as " + maxInOneSecond + " devices came back in the same second");
    }

    @Test
    void the_same_random_gives_the_same_delays() {
        Backoff a = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new Random(9));
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new Random(9));
        for (int i = 0; i < 10; i++) {
            assertEquals(a.next(), b.next());
        }
    }
}
