package org.breathgate.hardware.internal.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.breathgate.hardware.Breathalysers;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DevicePanel;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Pi's own LED, with a temporary folder standing in for its sysfs folder /sys/class/leds/ACT. */
@Timeout(10)
class BoardLedTest {

    @TempDir
    Path led;

    @BeforeEach
    void anLed() throws Exception {
        // As a Raspberry Pi 4 shows it: the SD card's activity drives the LED until someone takes it over.
        Files.writeString(led.resolve("trigger"), "none rc-feedback kbd-scrolllock timer oneshot heartbeat [mmc0] default-on\n");
        Files.writeString(led.resolve("max_brightness"), "255\n");
        Files.writeString(led.resolve("brightness"), "0\n");
    }

    private String brightness() throws Exception {
        return Files.readString(led.resolve("brightness"));
    }

    private boolean seen(String value, Duration within) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (brightness().equals(value)) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    @Test
    void the_led_is_taken_from_its_kernel_trigger_lit_at_full_brightness_and_given_back_at_close() throws Exception {
        try (DevicePanel panel = Breathalysers.openBoardLed(led, Clock.systemUTC())) {
            assertEquals("none", Files.readString(led.resolve("trigger")), "the kernel no longer drives it");
            panel.light().show(LightColour.GREEN, LightPattern.STEADY);
            assertEquals("255", brightness());
            panel.light().off();
            assertEquals("0", brightness());
        }
        assertEquals("mmc0", Files.readString(led.resolve("trigger")), "the SD card's activity drives it again");
        assertEquals("0", brightness());
    }

    @Test
    void a_blinking_pattern_switches_the_brightness_file_on_and_off() throws Exception {
        try (DevicePanel panel = Breathalysers.openBoardLed(led, Clock.systemUTC())) {
            panel.light().show(LightColour.BLUE, LightPattern.DOUBLE_FLASH);
            assertTrue(seen("255", Duration.ofSeconds(1)), "lit");
            assertTrue(seen("0", Duration.ofSeconds(1)), "dark between the flashes");
            assertTrue(seen("255", Duration.ofSeconds(1)), "the second flash");
        }
    }

    @Test
    void a_folder_that_is_no_led_is_refused_naming_the_setting() {
        DeviceDisconnectedException e = assertThrows(DeviceDisconnectedException.class,
                () -> Breathalysers.openBoardLed(led.resolve("led0"), Clock.systemUTC()));
        assertTrue(e.getMessage().contains("light.board"), e.getMessage());
    }

    @Test
    void an_led_the_agent_may_not_write_is_refused_saying_what_to_do() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root may write a read-only file");
        Files.setPosixFilePermissions(led.resolve("trigger"), PosixFilePermissions.fromString("r--r--r--"));
        DeviceDisconnectedException e = assertThrows(DeviceDisconnectedException.class,
                () -> Breathalysers.openBoardLed(led, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("write access"), e.getMessage());
    }

    @Test
    void the_current_trigger_is_the_one_in_brackets() {
        assertEquals("mmc0", BoardLed.currentTrigger("none [mmc0] timer"));
        assertEquals("none", BoardLed.currentTrigger("[none] mmc0"));
        assertEquals("none", BoardLed.currentTrigger("mmc0 timer"));
    }
}
