package org.breathgate.hardware.internal.light;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.breathgate.hardware.LightPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BlinkerTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Blinker blinker = new Blinker(timer);
    private final List<long[]> switched = new ArrayList<>(); // {lit ? 1 : 0, nanoTime}

    private synchronized void record(boolean lit) {
        switched.add(new long[] {lit ? 1 : 0, System.nanoTime()});
        notifyAll();
    }

    private synchronized List<long[]> await(int count) throws InterruptedException {
        while (switched.size() < count) {
            wait(50);
        }
        return List.copyOf(switched.subList(0, count));
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void a_double_flash_lights_twice_then_rests_for_the_pause() throws Exception {
        blinker.play(this::record, LightPattern.DOUBLE_FLASH);
        List<long[]> s = await(5);
        assertEquals(List.of(1L, 0L, 1L, 0L, 1L), s.stream().map(x -> x[0]).toList(), "on, off, on, off, and on again");
        long pause = (s.get(4)[1] - s.get(3)[1]) / 1_000_000;
        long flash = (s.get(1)[1] - s.get(0)[1]) / 1_000_000;
        assertTrue(pause >= 1550, "the pause lasts its 1550 ms, was " + pause);
        assertTrue(flash >= 150, "a flash lasts its 150 ms, was " + flash);
    }

    @Test
    void a_new_pattern_replaces_the_old_and_steady_stays_lit() throws Exception {
        blinker.play(this::record, LightPattern.FAST_BLINK);
        await(2);
        blinker.play(this::record, LightPattern.STEADY);
        int after;
        synchronized (this) {
            after = switched.size();
        }
        Thread.sleep(700);
        synchronized (this) {
            assertEquals(after, switched.size(), "nothing blinks after STEADY");
            assertEquals(1L, switched.get(after - 1)[0], "STEADY is lit");
        }
    }
}
