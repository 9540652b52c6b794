package org.breathgate.receiver.care.delivery;

import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.care.alert.AlertStatus;
import org.breathgate.care.alert.Audience;
import org.breathgate.care.alert.Severity;
import org.breathgate.care.consent.EventTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertMailTest {

    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private static final Instant RAISED = Instant.parse("2026-03-09T06:21:05Z");

    private static Alert alert(AlertKind kind) {
        return new Alert("chain:home-0001:41", "case-2026-17", "home-0001", kind, Severity.HIGH, AlertStatus.OPEN,
                "0.250 mg/L (≈ 0.57 ‰, FI-RL-23), retest 0.240 mg/L", new Audience("sa-1", Set.of()), List.of(),
                EventTime.exact(RAISED), RAISED, RAISED, RAISED.plusSeconds(4 * 3600), null, null, null);
    }

    @Test
    void each_language_has_its_own_subject_kind_and_time_format() {
        AlertMail fi = AlertMail.of(alert(AlertKind.CONFIRMED_POSITIVE), "raise", "fi", "https://care.example.org/", HELSINKI);
        assertEquals("Breathgate: uusi hälytys", fi.subject());
        assertTrue(fi.body().contains("Hälytys: Vahvistettu positiivinen testi\r\n"), fi.body());
        assertTrue(fi.body().contains("Aika: 9.3.2026 klo 8.21 (Europe/Helsinki)"), fi.body());

        AlertMail sv = AlertMail.of(alert(AlertKind.MISSED_TEST), "escalate", "sv", "https://care.example.org/", HELSINKI);
        assertEquals("Breathgate: ett larm har ännu inte kvitterats", sv.subject());
        assertTrue(sv.body().contains("Larm: Ett avtalat test gjordes inte"), sv.body());
        assertTrue(sv.body().contains("Tid: 9.3.2026 kl. 08.21"), sv.body());

        AlertMail en = AlertMail.of(alert(AlertKind.SUPPORT_REQUEST), "update", "en", null, HELSINKI);
        assertEquals("Breathgate: an alert was updated", en.subject());
        assertTrue(en.body().contains("Alert: The parent asked for support"), en.body());
        assertTrue(en.body().contains("Time: 9 Mar 2026 08:21 (Europe/Helsinki)"), en.body());
        assertTrue(en.body().contains("Please sign in to Breathgate"), "without a configured link: " + en.body());
    }

    @ParameterizedTest
    @EnumSource(AlertKind.class)
    void every_kind_is_named_in_every_language_and_no_result_leaks(AlertKind kind) {
        for (String language : List.of("fi", "sv", "en")) {
            assertTrue(AlertMail.named(kind, language), kind + " has no text in " + language);
            assertNotNull(AlertMail.kindName(kind, language));
            for (String reason : List.of("raise", "update", "escalate")) {
                AlertMail mail = AlertMail.of(alert(kind), reason, language, "https://care.example.org/", HELSINKI);
                assertFalse(mail.body().contains("mg/L") || mail.body().contains("‰") || mail.body().contains("0.250"), mail.body());
                assertTrue(mail.body().contains("case-2026-17"));
                assertFalse(mail.subject().contains("case-2026-17"), "the subject names no client");
            }
        }
    }

    @Test
    void unknown_language_or_reason_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> AlertMail.of(alert(AlertKind.TAMPER), "raise", "de", null, HELSINKI));
        assertThrows(IllegalArgumentException.class, () -> AlertMail.of(alert(AlertKind.TAMPER), "acknowledge", "fi", null, HELSINKI));
    }
}
