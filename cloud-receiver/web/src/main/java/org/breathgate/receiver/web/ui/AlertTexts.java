package org.breathgate.receiver.web.ui;

import org.breathgate.care.access.Client;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertEvidence;
import org.breathgate.care.consent.EventTime;
import org.breathgate.protocol.Outcome;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An alert described in the reader's language, with the language's decimal sign and plural rules, from what the alert rests
 * on (its kind and evidence, the client's threshold and factor), never from the English summary the alert core stores for
 * the API and the audit trail.
 */
final class AlertTexts {

    private final Messages messages;

    AlertTexts(Messages messages) {
        this.messages = Objects.requireNonNull(messages, "messages");
    }

    /** The description of {@code alert} about {@code client}, in {@code fmt}'s language. */
    String describe(Alert alert, Client client, Formats fmt) {
        Lang lang = fmt.lang();
        List<String> parts = new ArrayList<>();
        switch (alert.kind()) {
            case CONFIRMED_POSITIVE:
            case OVER_THRESHOLD: {
                boolean failedRetest = alert.evidence().stream().anyMatch(e -> e.role() == AlertEvidence.Role.RETEST && e.outcome() == Outcome.FAIL);
                boolean passedRetest = alert.evidence().stream().anyMatch(e -> e.role() == AlertEvidence.Role.RETEST && e.outcome() == Outcome.PASS);
                String head = alert.kind() == org.breathgate.care.alert.AlertKind.CONFIRMED_POSITIVE
                        ? messages.get(lang, failedRetest ? "alert.text.confirmed.retest" : "alert.text.confirmed.missed")
                        : messages.get(lang, passedRetest ? "alert.text.over.passed" : "alert.text.over",
                                fmt.mgPerLitre(client.alertThreshold()), fmt.perMille(client.alertThreshold(), client.perMilleFactor()),
                                client.perMilleFactor().name());
                parts.add(head);
                for (AlertEvidence e : alert.evidence()) {
                    parts.add(line(e, client, fmt));
                }
                break;
            }
            case MISSED_TEST:
                parts.add(messages.get(lang, "alert.text.missed", when(alert.eventTime(), fmt)));
                break;
            case TAMPER:
                parts.add(messages.get(lang, "alert.text.tamper", when(alert.eventTime(), fmt)));
                break;
            case DEVICE_SILENT:
                parts.add(messages.get(lang, "alert.text.silent", alert.deviceId(), fmt.dateTime(alert.eventTime().earliest())));
                break;
            case SUPPORT_REQUEST:
                parts.add(messages.get(lang, "alert.text.support", when(alert.eventTime(), fmt)));
                break;
            case PHOTO_MISMATCH:
                parts.add(messages.get(lang, "alert.text.photo", when(alert.eventTime(), fmt)));
                break;
            case EXPECTED_TEST_MISSING:
                parts.add(messages.get(lang, "alert.text.expected", fmt.dateTime(alert.eventTime().earliest()),
                        fmt.time(alert.eventTime().latest()), alert.deviceId()));
                break;
            case CONSENT_EXPIRING: {
                String key = alert.key();
                Instant until = Instant.ofEpochMilli(Long.parseLong(key.substring(key.lastIndexOf(':') + 1)));
                parts.add(messages.get(lang, "alert.text.consent", fmt.lastDay(until)));
                break;
            }
            default:
                parts.add(messages.get(lang, "alert.kind." + alert.kind().name()));
        }
        if (alert.resolution() != null) {
            parts.add(messages.get(lang, "alert.text.resolved"));
        }
        return String.join(" ", parts);
    }

    private String line(AlertEvidence e, Client client, Formats fmt) {
        Lang lang = fmt.lang();
        String at = when(e.time(), fmt);
        switch (e.role()) {
            case TEST:
            case RETEST: {
                String what = messages.get(lang, e.role() == AlertEvidence.Role.TEST ? "alert.text.line.test" : "alert.text.line.retest");
                String value = e.value() == null ? messages.get(lang, "alert.text.no_value")
                        : messages.get(lang, "alert.text.value", fmt.mgPerLitre(e.value()), fmt.perMille(e.value(), client.perMilleFactor()));
                String outcome = messages.get(lang, e.outcome() == Outcome.FAIL ? "alert.text.showed" : "alert.text.clear");
                return messages.get(lang, "alert.text.line", what, at, value, outcome);
            }
            case MISSED_RETEST:
                return messages.get(lang, e.excused() ? "alert.text.line.missed_retest.excused" : "alert.text.line.missed_retest", at);
            default:
                return "";
        }
    }

    private static String when(EventTime t, Formats fmt) {
        return fmt.dateTime(t.latest());
    }
}
