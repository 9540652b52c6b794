package org.breathgate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.breathgate.agent.AgentDaemon;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.prompt.Voice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With no panel wired ({@code panel=none}) the daemon shows its state on the Pi's own LED: here a temporary
 * folder stands in for {@code /sys/class/leds/ACT}. The breathalyser is missing (its serial port does not
 * exist), so the light says "problem": three short flashes, again and again. At stop the LED goes back to
 * the kernel.
 */
@Timeout(60)
class BoardLedIT {

    @TempDir
    Path dir;

    @Test
    void without_a_panel_the_pis_own_led_flashes_three_times_for_a_missing_breathalyser_and_is_given_back_at_stop() throws Exception {
        Path led = Files.createDirectories(dir.resolve("sys/class/leds/ACT"));
        Files.writeString(led.resolve("trigger"), "none timer heartbeat [mmc0]\n");
        Files.writeString(led.resolve("max_brightness"), "1\n");
        Files.writeString(led.resolve("brightness"), "0\n");
        Map<String, String> s = AgentFixture.settings(dir, "home-led-1", "tcp://127.0.0.1:1");
        s.put("sensor.port", dir.resolve("no-such-port").toString());
        s.put("light.board", led.toString());
        try (AgentDaemon daemon = AgentDaemon.start(AgentFixture.config(s), () -> {
            throw new AssertionError("nothing here uses GPIO");
        }, new SystemClockSource(Clock.systemUTC(), () -> true), Voice.silent())) {
            assertEquals("none", Files.readString(led.resolve("trigger")), "the agent drives the LED now");
            assertTrue(sawTripleFlash(led), "three short flashes within a second: the device has a problem");
        }
        assertEquals("mmc0", Files.readString(led.resolve("trigger")), "given back to the SD card's activity");
    }

    /** Watches the brightness file for up to 15 s for three lit stretches starting within one second. */
    private static boolean sawTripleFlash(Path led) throws Exception {
        List<Long> risings = new ArrayList<>();
        boolean lit = false;
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
            boolean now = !Files.readString(led.resolve("brightness")).strip().equals("0");
            if (now && !lit) {
                risings.add(System.currentTimeMillis());
                int n = risings.size();
                if (n >= 3 && risings.get(n - 1) - risings.get(n - 3) < 1000) {
                    return true;
                }
            }
            lit = now;
            Thread.sleep(5);
        }
        return false;
    }
}
