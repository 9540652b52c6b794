package org.breathgate.care.alert;

import org.breathgate.care.access.Client;
import org.breathgate.care.consent.EventTime;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.Outcome;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Calm, plain alert texts: they describe what happened, with mg/L first and the per-mille estimate beside it. */
final class Summaries {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private final ZoneId zone;

    Summaries(ZoneId zone) {
        this.zone = zone;
    }

    /** "0.250 mg/L (≈ 0.57 ‰, FI-RL-23)". */
    static String value(BreathAlcohol value, Client client) {
        return value.milligramsPerLitre().toPlainString() + " mg/L (≈ " + value.perMille(client.perMilleFactor()).toPlainString()
                + " ‰, " + client.perMilleFactor().name() + ")";
    }

    /** The local date of {@code at}, {@code 2026-05-31}. */
    String date(Instant at) {
        return TIME.format(at.atZone(zone)).substring(0, 10);
    }

    String time(Instant at) {
        return TIME.format(at.atZone(zone));
    }

    String time(EventTime t) {
        return t.isExact() ? time(t.latest()) : "received " + time(t.latest()) + ", device clock not synchronised";
    }

    String chain(ChainView view, List<AlertEvidence> evidence, Client client) {
        String headline;
        if (view.kind() == AlertKind.CONFIRMED_POSITIVE) {
            headline = view.confirmedByFailedRetest()
                    ? "Confirmed positive: a retest also showed alcohol"
                    : "Confirmed positive: the retest was missed";
        } else {
            headline = "A result at or above the client's threshold of " + value(client.alertThreshold(), client)
                    + (view.retestPassed() ? "; a retest passed, so it is not confirmed" : "; not confirmed by a retest");
        }
        String lines = evidence.stream().map(e -> line(e, client)).collect(Collectors.joining("; "));
        return headline + ". " + Character.toUpperCase(lines.charAt(0)) + lines.substring(1) + ".";
    }

    private String line(AlertEvidence e, Client client) {
        switch (e.role()) {
            case TEST:
            case RETEST:
                String what = e.role() == AlertEvidence.Role.TEST ? "test" : "retest";
                String value = e.value() == null ? "alcohol detected, no value reported" : value(e.value(), client);
                return what + " at " + time(e.time()) + ": " + value + ", " + (e.outcome() == Outcome.FAIL ? "failed" : "passed");
            case MISSED_RETEST:
                return "retest missed (window closed " + time(e.time()) + ")" + (e.excused() ? ", excused" : "");
            default:
                throw new IllegalArgumentException(e.role() + " is not part of a retest chain");
        }
    }
}
