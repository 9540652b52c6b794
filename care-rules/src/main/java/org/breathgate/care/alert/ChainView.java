package org.breathgate.care.alert;

import org.breathgate.care.access.Client;
import org.breathgate.protocol.Outcome;

import java.util.List;

/**
 * What one retest chain amounts to, decided afresh from all its evidence each time, so the result
 * does not depend on how often or in which steps it was computed.
 *
 * @param kind                    CONFIRMED_POSITIVE, OVER_THRESHOLD, or {@code null} for no alert
 * @param severity                the severity, or {@code null} for no alert
 * @param confirmedByFailedRetest a retest failed (rather than only being missed)
 * @param retestPassed            the chain is unconfirmed and a retest passed
 */
record ChainView(AlertKind kind, Severity severity, boolean confirmedByFailedRetest, boolean retestPassed) {

    static ChainView of(List<AlertEvidence> evidence, Client client, AlertRules rules) {
        boolean failedRetest = false;
        boolean missedRetest = false;
        boolean passedRetest = false;
        boolean over = false;
        for (AlertEvidence e : evidence) {
            boolean test = e.role() == AlertEvidence.Role.TEST || e.role() == AlertEvidence.Role.RETEST;
            failedRetest |= e.role() == AlertEvidence.Role.RETEST && e.outcome() == Outcome.FAIL;
            passedRetest |= e.role() == AlertEvidence.Role.RETEST && e.outcome() == Outcome.PASS;
            missedRetest |= e.role() == AlertEvidence.Role.MISSED_RETEST && !e.excused();
            // A device that reports only pass/fail gives no value: its FAIL counts as over the threshold.
            over |= test && (e.value() != null ? e.value().atOrAbove(client.alertThreshold()) : e.outcome() == Outcome.FAIL);
        }
        boolean confirmed = failedRetest || missedRetest;
        if (confirmed && rules.setting(AlertKind.CONFIRMED_POSITIVE).enabled()) {
            return new ChainView(AlertKind.CONFIRMED_POSITIVE, Severity.HIGH, failedRetest, false);
        }
        if (over && rules.setting(AlertKind.OVER_THRESHOLD).enabled()) {
            boolean downgraded = !confirmed && passedRetest;
            return new ChainView(AlertKind.OVER_THRESHOLD, downgraded ? Severity.INFO : Severity.WARNING, failedRetest, downgraded);
        }
        return new ChainView(null, null, failedRetest, !confirmed && passedRetest);
    }
}
