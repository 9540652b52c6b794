package org.breathgate.receiver.web.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.care.audit.AuditEntry;
import org.breathgate.care.audit.AuditVerification;
import org.breathgate.receiver.care.Care;
import org.breathgate.receiver.care.history.AuditViews;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.web.auth.WebAuth;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The audit log for administrators: {@code GET /audit} (filters: actor, action or action prefix, subject, from and to dates;
 * the newest {@value AuditViews#PAGE} entries; the hash chain's verification state), {@code GET /audit/export.csv} (the same
 * filters, every column including the hashes, so an export can be checked on its own). Decided and audited in the care room.
 */
public final class AuditPage implements HttpsRoutes {

    private final WebAuth auth;
    private final Care care;
    private final ZoneId zone;
    private final Pages pages;

    public AuditPage(WebAuth auth, Care care, ZoneId zone) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.care = Objects.requireNonNull(care, "care");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.pages = new Pages(auth, zone);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/audit", this::page);
        routes.get("/audit/export.csv", this::export);
    }

    private AuditViews.Filter filter(Context ctx) {
        try {
            LocalDate from = date(ctx.queryParam("from"));
            LocalDate to = date(ctx.queryParam("to"));
            return new AuditViews.Filter(blank(ctx.queryParam("actor")), blank(ctx.queryParam("action")), blank(ctx.queryParam("subject")),
                    from == null ? null : from.atStartOfDay(zone).toInstant(), to == null ? null : to.plusDays(1).atStartOfDay(zone).toInstant());
        } catch (DateTimeParseException e) {
            return AuditViews.Filter.NONE;
        }
    }

    private static LocalDate date(String s) {
        return s == null || s.isBlank() ? null : LocalDate.parse(s.strip());
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip().length() > 200 ? s.strip().substring(0, 200) : s.strip();
    }

    private void page(Context ctx) {
        Actor me = auth.requirePage(ctx);
        Lang lang = pages.lang(ctx);
        try {
            AuditViews.Filter f = filter(ctx);
            AuditVerification v = care.audit().verify(me);
            List<AuditEntry> entries = care.audit().search(me, f);
            Map<String, Object> model = pages.model(ctx, me, lang, "audit.title");
            model.put("entries", entries);
            model.put("intact", v.intact());
            model.put("verification", v.message());
            model.put("headSeq", v.headSeq());
            Map<String, String> values = new LinkedHashMap<>();
            for (String k : List.of("actor", "action", "subject", "from", "to")) {
                values.put(k, ctx.queryParam(k) == null ? "" : ctx.queryParam(k));
            }
            model.put("filter", values);
            model.put("exportHref", "/audit/export.csv" + (ctx.queryString() == null ? "" : "?" + ctx.queryString()));
            model.put("page", AuditViews.PAGE);
            pages.render(ctx, 200, "audit", model, lang);
        } catch (AccessDeniedException e) {
            Map<String, Object> model = pages.model(ctx, me, lang, "error.denied.title");
            model.put("reasonKey", "reason." + e.decision().code().code());
            pages.render(ctx, 403, "error", model, lang);
        }
    }

    private void export(Context ctx) {
        Actor me = auth.requirePage(ctx);
        List<AuditEntry> entries;
        try {
            entries = care.audit().export(me, filter(ctx));
        } catch (AccessDeniedException e) {
            ctx.status(403).contentType("text/plain; charset=utf-8").result(e.decision().reason());
            return;
        }
        StringBuilder csv = new StringBuilder("seq,at,actor,action,subject_type,subject_id,detail,prev_hash,hash\r\n");
        for (AuditEntry e : entries) {
            csv.append(e.seq()).append(',').append(e.at()).append(',').append(cell(e.actor())).append(',').append(cell(e.action())).append(',')
                    .append(cell(e.subjectType())).append(',').append(cell(e.subjectId())).append(',').append(cell(e.detail())).append(',')
                    .append(e.prevHash()).append(',').append(e.hash()).append("\r\n");
        }
        ctx.header("Content-Disposition", "attachment; filename=\"breathgate-audit.csv\"");
        ctx.contentType("text/csv; charset=utf-8").result(csv.toString());
    }

    /** A CSV cell (RFC 4180 quoting); a leading = + - @ is kept as text, so a spreadsheet does not run it as a formula. */
    static String cell(String s) {
        String v = s == null ? "" : s;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        return "\"" + v.replace("\"", "\"\"") + "\"";
    }
}
