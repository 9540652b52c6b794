package org.breathgate.receiver.care.report;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.care.timeline.TimelineView;
import org.breathgate.receiver.care.timeline.Timelines;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The PDF report of a client and period for a case file, with only what the requester may see.
 *
 * <p>Order of work, all through the {@link CareGate}: the care rules decide {@link Operation#EXPORT_REPORT} for the
 * requester (a refusal is audited as {@code access.denied} and thrown); the events come from {@link Timelines}, which decides
 * every event on its own (a child-protection worker gets only what consent covers) and audits each one shown; the PDF is
 * drawn; and the export is audited as {@code report.exported} with the period, the language and how many events were shown
 * and withheld.
 */
public final class ReportService {

    private final CareGate gate;
    private final Timelines timelines;
    private final org.breathgate.receiver.evidence.device.DeviceRegistry registry;
    private final ZoneId zone;

    /**
     * @param registry the devices' keys, for the report's "how to verify" page
     * @param zone     the care zone: dates, times and weeks in the report are local there
     */
    public ReportService(CareGate gate, Timelines timelines, org.breathgate.receiver.evidence.device.DeviceRegistry registry, ZoneId zone) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.timelines = Objects.requireNonNull(timelines, "timelines");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** The public keys (revoked ones too: they were valid when the events arrived) that signed the events shown. */
    private java.util.List<org.breathgate.protocol.VerificationKey> keysOf(TimelineView timeline) {
        java.util.Set<org.breathgate.protocol.KeyId> used = new java.util.HashSet<>();
        timeline.entries().forEach(e -> used.add(e.stored().keyId()));
        java.util.List<org.breathgate.protocol.VerificationKey> keys = new java.util.ArrayList<>();
        used.stream().map(org.breathgate.protocol.KeyId::owner).distinct().forEach(device -> registry.device(device).ifPresent(d ->
                d.keys().stream().map(org.breathgate.receiver.evidence.device.DeviceKey::key).filter(k -> used.contains(k.keyId()))
                        .forEach(keys::add)));
        return keys;
    }

    /**
     * The report as PDF bytes.
     *
     * @throws AccessDeniedException    if the requester may not export a report of this client
     * @throws IllegalArgumentException if there is no such client or the language is not fi, sv or en
     */
    public byte[] report(Actor actor, String clientId, Instant from, Instant to, String language) {
        if (!PdfReport.LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language must be one of " + PdfReport.LANGUAGES);
        }
        Decision d = gate.look(actor, "deciding the report of " + clientId,
                visit -> visit.require(Operation.EXPORT_REPORT, CaseContexts.load(visit.connection(), clientId), "client", clientId));
        TimelineView timeline = timelines.timeline(actor, clientId, from, to);
        Instant now = gate.now();
        byte[] pdf = PdfReport.render(new PdfReport.Content(timeline, actor, now, d.consentBasis(), zone, language,
                keysOf(timeline)));
        gate.run(actor, "recording the report of " + clientId, visit -> {
            visit.record(AuditAction.REPORT_EXPORTED.code(), "client", clientId, Visit.basis(d) + "; " + from + " to " + to + "; pdf "
                    + language + "; shown " + timeline.entries().size() + ", withheld " + timeline.withheld());
            return null;
        });
        return pdf;
    }
}
