package org.breathgate.receiver.care.report;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.AccessPolicy;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.care.audit.AuditRecord;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.care.CareService;
import org.breathgate.receiver.care.CaseContexts;
import org.breathgate.receiver.care.TimelineItem;
import org.breathgate.receiver.care.audit.AuditLog;
import org.breathgate.receiver.care.photo.PhotoState;
import org.breathgate.receiver.evidence.db.Database;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/**
 * The PDF report of a client and period for a case file, with only what the requester may see.
 *
 * <p>Order of work: the care core decides {@link Operation#EXPORT_REPORT} for the requester (a refusal
 * is audited as {@code access.denied} and thrown); the events come from {@link CareService#timeline},
 * which checks every event on its own (a child-protection worker gets only what consent covers) and
 * audits each one shown; the PDF is drawn; and the export is audited as {@code report.exported} with the
 * period, the language and how many events were shown and withheld.
 */
public final class ReportService {

    private final CareService care;
    private final Database database;
    private final AuditLog audit;
    private final ZoneId zone;
    private final Clock clock;

    /** @param zone the care zone: dates, times and weeks in the report are local there */
    public ReportService(CareService care, Database database, AuditLog audit, ZoneId zone, Clock clock) {
        this.care = Objects.requireNonNull(care, "care");
        this.database = Objects.requireNonNull(database, "database");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.clock = Objects.requireNonNull(clock, "clock");
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
        Instant now = clock.instant();
        CaseContext context = Sql.read(database, "reading the case of " + clientId, c -> CaseContexts.load(c, clientId));
        Decision d = AccessPolicy.decide(actor, Operation.EXPORT_REPORT, context.client(), context.consents(), null, now);
        if (!d.allowed()) {
            audit.append(AuditRecord.of(now, actor.userId(), AuditAction.ACCESS_DENIED, "client", clientId,
                    Operation.EXPORT_REPORT.name() + " " + d.code().code()));
            throw new AccessDeniedException(Operation.EXPORT_REPORT.name() + " of client " + clientId, d);
        }
        CareService.Timeline timeline = care.timeline(actor, clientId, from, to);
        // Photo states only of the readings the requester sees; text only, no picture goes into the report.
        Map<String, PhotoState> photos = PhotoState.load(database, timeline.items().stream().map(TimelineItem::event).toList());
        byte[] pdf = PdfReport.render(new PdfReport.Content(context.client(), from, to, actor, now, timeline.items(), timeline.withheld(),
                d.consentBasis(), zone, language, photos));
        audit.append(AuditRecord.of(now, actor.userId(), AuditAction.REPORT_EXPORTED, "client", clientId,
                d.code().code() + (d.consentBasis() == null ? "" : " (consent " + d.consentBasis().consentId() + " v"
                        + d.consentBasis().version() + ")") + "; " + from + " to " + to + "; pdf " + language + "; shown "
                        + timeline.items().size() + ", withheld " + timeline.withheld()));
        return pdf;
    }
}
