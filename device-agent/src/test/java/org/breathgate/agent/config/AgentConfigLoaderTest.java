package org.breathgate.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigLoaderTest {

    @TempDir
    Path dir;

    static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("device.id", "home-0042");
        m.put("key.file", "/etc/breathgate/device.key");
        m.put("receiver.key.1", "/etc/breathgate/receiver-1.pem");
        m.put("mqtt.uri", "ssl://mqtt.example.fi:8883");
        return m;
    }

    @Test
    void a_minimal_file_gives_the_documented_defaults() throws Exception {
        AgentConfig c = AgentConfigLoader.fromMap(minimal());
        assertEquals(Path.of("/var/lib/breathgate/outbox.db"), c.outboxFile());
        assertEquals(64L * 1024 * 1024, c.outboxBudgetBytes());
        assertEquals(20, c.rules().schedule().retestDelayMin());
        assertEquals(List.of(30, 15), c.rules().schedule().remindersBeforeCloseMin());
        assertEquals(Duration.ofMinutes(60), c.rules().lateGrace());
        assertEquals(128, c.mqtt().maxInflight());
        assertEquals("fi", c.language());
        assertTrue(c.mqtt().tls());
        assertEquals(Duration.ofHours(1), c.statusInterval());
    }

    @Test
    void the_default_threshold_is_the_receivers_default_alert_threshold_so_the_two_agree_before_the_first_configuration()
            throws Exception {
        // It was 50 µg/L while the receiver alerted at 100: a result of 0.07 mg/L was a positive with a retest on the device
        // and no alert on the receiver until the first schedule was pushed.
        assertEquals(100, AgentConfigLoader.fromMap(minimal()).threshold().microgramsPerLitre());
    }

    @Test
    void slots_take_the_configured_window() throws Exception {
        Map<String, String> m = minimal();
        m.put("schedule.slots", "08:00, 20:30");
        m.put("schedule.window.before.min", "60");
        AgentConfig c = AgentConfigLoader.fromMap(m);
        assertEquals(LocalTime.of(20, 30), c.rules().schedule().slots().get(1).at());
        assertEquals(60, c.rules().schedule().slots().get(0).windowBeforeMin());
    }

    @Test
    void the_schedule_runs_in_real_minutes_unless_a_demonstration_compresses_it() throws Exception {
        assertFalse(AgentConfigLoader.fromMap(minimal()).rules().compressed());
        Map<String, String> m = minimal();
        m.put("schedule.minute.ms", "1000");
        assertEquals(java.time.Duration.ofSeconds(1), AgentConfigLoader.fromMap(m).rules().minute());
        m.put("schedule.minute.ms", "120000");
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfigLoader.fromMap(m));
        assertTrue(e.getMessage().contains("schedule.minute.ms"), e.getMessage());
    }

    @Test
    void every_problem_is_reported_at_once_with_its_key() {
        Map<String, String> m = minimal();
        m.put("device.id", "Bad Id");
        m.put("retest.delay.min", "0");
        m.put("language", "de");
        m.put("schedule.slots", "8 o'clock");
        m.put("mqtt.uri", "http://x");
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfigLoader.fromMap(m));
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("retest.delay.min: '0' must be 1-240")), e.getMessage());
    }

    @Test
    void the_key_store_is_a_file_unless_tpm_is_asked_for() throws ConfigException {
        assertEquals(AgentConfig.KeyStore.FILE, AgentConfigLoader.fromMap(minimal()).keyStore());
        Map<String, String> m = minimal();
        m.put("key.store", "tpm");
        assertEquals(AgentConfig.KeyStore.TPM, AgentConfigLoader.fromMap(m).keyStore());
        m.put("key.store", "hsm");
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfigLoader.fromMap(m));
        assertTrue(e.problems().get(0).startsWith("key.store: 'hsm' must be file or tpm"), e.getMessage());
    }

    @Test
    void an_unknown_key_is_refused_so_a_typo_does_not_hide_behind_a_default() {
        Map<String, String> m = minimal();
        m.put("retest.dealy.min", "30");
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfigLoader.fromMap(m));
        assertEquals(List.of("retest.dealy.min: unknown key (see docs/agent.md for the keys)"), e.problems());
    }

    @Test
    void flags_override_the_file() throws IOException, ConfigException {
        Path file = dir.resolve("agent.properties");
        StringBuilder text = new StringBuilder();
        minimal().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        text.append("language=sv\n");
        Files.writeString(file, text);
        AgentConfig c = AgentConfigLoader.load(file, List.of("--language=en"));
        assertEquals("en", c.language());
    }

    @Test
    void a_missing_required_key_is_named() {
        Map<String, String> m = minimal();
        m.remove("key.file");
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfigLoader.fromMap(m));
        assertEquals(List.of("key.file: required"), e.problems());
    }

    @Test
    void the_line_driver_is_the_default_and_a_gpio_interlock_with_a_gpio_panel_can_be_chosen() throws Exception {
        AgentConfig line = AgentConfigLoader.fromMap(minimal());
        assertTrue(line.breathalyser() instanceof org.breathgate.hardware.LineProtocolConfig);
        assertTrue(line.panel().isEmpty());
        assertTrue(!line.usesGpio());
        Map<String, String> m = minimal();
        m.put("sensor.driver", "gpio-interlock");
        m.put("sensor.model", "Interlock X1");
        m.put("sensor.serial", "IX-1");
        m.put("interlock.start.pin", "23");
        m.put("panel", "gpio");
        m.put("panel.led.amber.pin", "12");
        AgentConfig gpio = AgentConfigLoader.fromMap(m);
        org.breathgate.hardware.GpioInterlockConfig i = (org.breathgate.hardware.GpioInterlockConfig) gpio.breathalyser();
        assertEquals(17, i.readyPin());
        assertEquals(23, i.startPin().getAsInt());
        assertEquals(13, gpio.panel().get().ledPins().get(org.breathgate.hardware.LightColour.GREEN));
        assertEquals(12, gpio.panel().get().ledPins().get(org.breathgate.hardware.LightColour.AMBER));
        assertTrue(gpio.usesGpio());
    }

    @Test
    void sensors_that_cannot_identify_themselves_need_their_label_and_wrong_settings_are_named() {
        Map<String, String> m = minimal();
        m.put("sensor.driver", "frame");
        m.put("panel", "gpio");
        m.put("panel.buzzer.pin", "5");
        m.put("receiver.url", "http://receiver.example.fi");
        m.put("sensor.calibration.due", "tomorrow");
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfigLoader.fromMap(m));
        for (String key : List.of("sensor.model", "sensor.serial", "sensor.full.scale.ppm", "panel.*", "receiver.url", "sensor.calibration.due")) {
            assertTrue(e.getMessage().contains(key), key + " in: " + e.getMessage());
        }
    }

    @Test
    void results_are_not_spoken_recordings_are_looked_for_in_the_data_folder_and_the_pis_led_is_found_by_default() throws Exception {
        var p = AgentConfigLoader.fromMap(minimal()).parent();
        assertFalse(p.speakResults(), "children may be listening");
        assertEquals(Path.of("/var/lib/breathgate/audio"), p.audioDir());
        assertEquals(java.util.Optional.empty(), p.audioLanguage());
        assertEquals("default", p.audioDevice());
        assertEquals(Duration.ofMillis(700), p.doublePress());
        assertEquals(Duration.ofSeconds(8), p.menuStep());
        assertEquals("auto", p.boardLed());
    }

    @Test
    void northern_sami_is_a_language_of_recordings_with_finnish_speech_beside_it() throws Exception {
        Map<String, String> m = minimal();
        m.put("language", "se");
        AgentConfig sami = AgentConfigLoader.fromMap(m);
        assertEquals("fi", sami.language(), "sentences without a Sámi recording are spoken in Finnish");
        assertEquals(java.util.Optional.of("se"), sami.parent().audioLanguage());
        m.put("audio.language", "smn");
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfigLoader.fromMap(m));
        assertTrue(e.getMessage().contains("language: 'se' means audio.language=se"), e.getMessage());
        m.put("language", "sv");
        m.put("audio.language", "se");
        m.put("audio.device", "plughw:CARD=Device,DEV=0");
        m.put("speak.results", "true");
        AgentConfig c = AgentConfigLoader.fromMap(m);
        assertEquals("sv", c.language(), "Sámi recordings with Swedish speech beside them");
        assertEquals(java.util.Optional.of("se"), c.parent().audioLanguage());
        assertEquals("plughw:CARD=Device,DEV=0", c.parent().audioDevice());
        assertTrue(c.parent().speakResults());
        m.put("language", "de");
        assertTrue(assertThrows(ConfigException.class, () -> AgentConfigLoader.fromMap(m)).getMessage().contains("language:"));
    }

    @Test
    void wrong_voice_light_and_button_settings_are_each_named() {
        Map<String, String> m = minimal();
        m.put("audio.language", "Sami");
        m.put("audio.device", "hw:0; rm -rf /");
        m.put("speak.results", "yes");
        m.put("buttons.double.press.ms", "50");
        m.put("help.menu.step.ms", "x");
        m.put("light.board", "ACT");
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfigLoader.fromMap(m));
        for (String key : List.of("audio.language", "audio.device", "speak.results", "buttons.double.press.ms", "help.menu.step.ms",
                "light.board")) {
            assertTrue(e.getMessage().contains(key + ":"), key + " in " + e.getMessage());
        }
    }
}
