package org.breathgate.receiver.web.ui;

import org.breathgate.care.access.ReasonCode;
import org.breathgate.care.access.Role;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.care.alert.Severity;
import org.breathgate.care.consent.Scope;
import org.breathgate.protocol.AbortReason;
import org.breathgate.protocol.SensorState;
import org.breathgate.protocol.TamperKind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three languages hold the same texts, every value the pages can show has a text, and no text breaks MessageFormat. */
class UiMessagesTest {

    private final Messages messages = new Messages();

    @Test
    void finnish_swedish_and_english_hold_the_same_keys() {
        Set<String> fi = new TreeSet<>(messages.bundle(Lang.FI).keySet());
        for (Lang lang : Lang.values()) {
            assertEquals(fi, new TreeSet<>(messages.bundle(lang).keySet()), lang + " differs from fi");
        }
    }

    @Test
    void no_key_is_written_twice_in_a_language_where_the_later_text_would_silently_win() throws IOException {
        for (Lang lang : Lang.values()) {
            String file = "/ui/i18n/messages_" + lang.code() + ".properties";
            Set<String> seen = new TreeSet<>();
            try (InputStream in = UiMessagesTest.class.getResourceAsStream(file)) {
                assertTrue(in != null, file);
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    String l = line.strip();
                    if (l.isEmpty() || l.startsWith("#") || !l.contains("=")) {
                        continue;
                    }
                    String key = l.substring(0, l.indexOf('=')).strip();
                    assertTrue(seen.add(key), file + " has " + key + " twice");
                }
            }
        }
    }

    @Test
    void every_text_reads_through_message_format_without_a_lone_apostrophe() {
        Pattern lone = Pattern.compile("(?<!')'(?!')");
        for (Lang lang : Lang.values()) {
            ResourceBundle b = messages.bundle(lang);
            for (String key : b.keySet()) {
                assertFalse(lone.matcher(b.getString(key)).find(), lang + " " + key + " has a lone apostrophe: write ''");
                assertFalse(messages.get(lang, key, 1, 2, 3, 4, 5, 6, 7).startsWith("??"), key);
            }
        }
    }

    @Test
    void every_value_a_page_names_has_a_text_in_each_language() {
        List<String> keys = new ArrayList<>();
        for (ReasonCode r : ReasonCode.values()) {
            if (!r.allows()) {
                keys.add("reason." + r.code());
            }
        }
        for (AlertKind k : AlertKind.values()) {
            keys.add("alert.kind." + k.name());
        }
        for (Severity s : Severity.values()) {
            keys.add("alert.severity." + s.name());
        }
        for (Scope s : Scope.values()) {
            keys.add("scope." + s.name());
        }
        for (TamperKind t : TamperKind.values()) {
            keys.add("tamper." + t.wireName());
        }
        for (AbortReason a : AbortReason.values()) {
            keys.add("abort." + a.wireName());
        }
        for (SensorState s : SensorState.values()) {
            keys.add("sensor." + s.name());
        }
        for (Role r : Role.values()) {
            keys.add("role." + r.name().toLowerCase(Locale.ROOT));
        }
        for (String key : keys) {
            assertTrue(messages.has(key), "no text for " + key);
        }
    }

    @Test
    void every_key_named_literally_in_a_template_exists() throws IOException {
        Pattern call = Pattern.compile("t\\([\"']([a-z_.A-Z]+)[\"']\\s*[,)]");
        for (String name : List.of("layout", "login", "error", "caseload", "timeline", "_timeline", "_consents", "consents", "alerts",
                "devices", "code", "me", "case", "client_new", "admin")) {
            String template = read("ui/templates/" + name + ".peb");
            Matcher m = call.matcher(template);
            while (m.find()) {
                assertTrue(messages.has(m.group(1)), name + ".peb names " + m.group(1) + ", which has no text");
            }
        }
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = UiMessagesTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertTrue(in != null, resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
