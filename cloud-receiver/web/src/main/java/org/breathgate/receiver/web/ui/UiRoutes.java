package org.breathgate.receiver.web.ui;

import org.breathgate.receiver.care.Care;
import org.breathgate.receiver.care.chart.Chart;
import org.breathgate.receiver.care.chart.ChartModel;
import org.breathgate.receiver.care.caseload.Caseloads;
import org.breathgate.receiver.care.devices.DeviceHealth;
import org.breathgate.receiver.web.api.PhotoRoutes;
import org.breathgate.receiver.web.api.Refusals;
import org.breathgate.receiver.care.timeline.TimelineEntry;
import org.breathgate.receiver.care.timeline.TimelineView;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Role;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.Scope;
import org.breathgate.receiver.evidence.enrollment.EnrollmentCodes;
import org.breathgate.receiver.care.photo.PhotoState;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.web.auth.WebAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The web pages: login, caseload, a client's timeline (chart, table, weekly compliance), the alert inbox,
 * consents, devices and enrollment codes, and the parent's own view. Server-rendered HTML, plain forms
 * (each with the session's CSRF token); every page works with JavaScript off. One small same-origin script,
 * {@code /static/session.js}, warns before the idle sign-out and keeps notes being typed (WCAG 2.2.1).
 *
 * <p>Authorisation and auditing are the care room's ({@link Care}, through its one gate): a page asks it and shows what it
 * returns; a refusal becomes a calm 403 page naming the reason. Sign-in, sessions and CSRF checks are
 * {@link WebAuth}'s, which must be registered before these routes.
 *
 * <p>Pages carry their own Content-Security-Policy: the server-wide {@code default-src 'none'} plus
 * {@code style-src 'self'} for the one stylesheet, {@code script-src 'self'} for the one script file and
 * {@code form-action 'self'}; no inline script or style ({@link Pages#PAGE_CSP}).
 */
public final class UiRoutes implements HttpsRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(UiRoutes.class);

    /** The timeline's default period: four weeks, what a worker reviews between meetings. */
    static final int DEFAULT_DAYS = 28;
    /** The longest period one page shows (a year); longer ones go to the PDF report or the export. */
    static final int MAX_DAYS = 366;
    private static final int MAX_NOTE = 2000;
    /** The parent's details one click from their first screen: the workers' table, consents, who looked, copies. */
    static final String PARENT_DETAILS = "/me/details";

    private final WebAuth auth;
    private final Care care;
    private final Duration codeLifetime;
    private final Clock clock;
    private final ZoneId zone;
    private final Pages pages;
    private final Messages messages;
    private final byte[] css;
    private final byte[] sessionScript;

    /**
     * @param codeLifetime how long an enrollment code made on the devices page stays valid
     * @param zone         the service's time zone for dates and weeks (Europe/Helsinki)
     */
    public UiRoutes(WebAuth auth, Care care, Duration codeLifetime, Clock clock, ZoneId zone) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.care = Objects.requireNonNull(care, "care");
        this.codeLifetime = Objects.requireNonNull(codeLifetime, "codeLifetime");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.css = resource("ui/static/app.css");
        this.sessionScript = resource("ui/static/session.js");
        this.pages = new Pages(auth, zone);
        this.messages = pages.messages();
    }

    @Override
    public void register(RoutesConfig routes) {
        // First: "/clients/new" must not be taken for the timeline of a client called "new".
        new CasePages(pages, care, clock, zone).register(routes, this::page);
        routes.get("/", this::home);
        routes.get("/lang/{code}", this::switchLanguage);
        routes.get("/static/app.css", ctx -> ctx.contentType("text/css; charset=utf-8").header("Cache-Control", "max-age=3600").result(css));
        routes.get("/static/session.js", ctx -> ctx.contentType("text/javascript; charset=utf-8").header("Cache-Control", "max-age=3600")
                .result(sessionScript));
        routes.get("/caseload", page(this::caseload));
        routes.get("/clients/{id}", page(this::timeline));
        routes.post("/clients/{id}/excuse", page(this::excuse));
        routes.get("/clients/{id}/consents", page(this::consents));
        routes.post("/clients/{id}/consents", page(this::recordConsent));
        routes.post("/consents/revoke", page(this::revokeConsent));
        routes.get("/alerts", page(this::alerts));
        routes.post("/alerts/acknowledge", page(this::acknowledge));
        routes.get("/devices", page(this::devices));
        routes.post("/devices/enrollment-codes", page(this::createCode));
        new ParentPage(pages, care, clock, zone).register(routes, this::page); // the parent's first screen, in plain words
        routes.get(PARENT_DETAILS, page(this::parentView));
        routes.get("/me/export.json", page(this::parentExport));
        routes.get("/me/verification-bundle.zip", page(this::parentBundle));
        new ErrorPages(pages, auth).register(routes);
    }

    // ------------------------------------------------------------------ plumbing

    @FunctionalInterface
    interface PageHandler {
        void handle(Context ctx, Actor me, Lang lang) throws Exception;
    }

    /**
     * Signs in first (WebAuth redirects to the login page), then turns refusals and bad input into calm pages. A client that
     * does not exist and a client the reader may not know of get the same answer (404, the same words), so client ids cannot
     * be probed; the refusal is audited as ever.
     */
    io.javalin.http.Handler page(PageHandler handler) {
        return ctx -> {
            Actor me = auth.requirePage(ctx);
            Lang lang = lang(ctx);
            String clientId = ctx.pathParamMap().get("id");
            try {
                if (clientId != null && care.caseloads().client(clientId).isEmpty()) {
                    noSuchClient(ctx, me, lang);
                    return;
                }
                handler.handle(ctx, me, lang);
            } catch (NoSuchClient e) {
                noSuchClient(ctx, me, lang);
            } catch (AccessDeniedException e) {
                if (clientId != null && Refusals.hidesClient(care.caseloads(), e.decision(), me, clientId)) {
                    noSuchClient(ctx, me, lang); // saying why would tell that the client exists: answered as an unknown one
                    return;
                }
                Map<String, Object> model = model(ctx, me, lang, "error.denied.title");
                model.put("reasonKey", "reason." + e.decision().code().code());
                render(ctx, 403, "error", model, lang);
            } catch (BadInput e) {
                Map<String, Object> model = model(ctx, me, lang, "error.input.title");
                model.put("messageKey", e.getMessage());
                render(ctx, 400, "error", model, lang);
            } catch (IllegalArgumentException | IllegalStateException e) {
                LOG.info("{} {} refused: {}", ctx.method(), ctx.path(), e.getMessage());
                Map<String, Object> model = model(ctx, me, lang, "error.input.title");
                model.put("messageKey", "error.input.rejected");
                model.put("detail", e.getMessage());
                render(ctx, 400, "error", model, lang);
            } catch (io.javalin.http.HttpResponseException | org.breathgate.receiver.web.auth.SignInRequired e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                Map<String, Object> model = model(ctx, me, lang, "error.internal.title");
                model.put("messageKey", "error.internal");
                render(ctx, 500, "error", model, lang);
            }
        };
    }

    /**
     * A client id that names no client. Answered exactly like a refusal that would reveal a client exists (another
     * organisation's, a unit without consent, another parent's): one page, one status, so ids cannot be probed; as the API
     * answers both 404 ({@link Refusals}).
     */
    private static final class NoSuchClient extends RuntimeException {
        NoSuchClient() {
            super("no such client, or not one you may see");
        }
    }

    private void noSuchClient(Context ctx, Actor me, Lang lang) {
        Map<String, Object> model = model(ctx, me, lang, "error.no_client.title");
        model.put("messageKey", "error.no_client");
        render(ctx, 404, "error", model, lang);
    }

    /** The path's client id, if it names a client; else {@link NoSuchClient}. */
    private String existingClient(Context ctx) {
        String id = ctx.pathParam("id");
        if (id.isEmpty() || id.length() > 128 || care.caseloads().client(id).isEmpty()) {
            throw new NoSuchClient();
        }
        return id;
    }

    /** Input a person typed that the page cannot use; the message is a message key. */
    static final class BadInput extends RuntimeException {
        BadInput(String messageKey) {
            super(messageKey);
        }
    }

    private Lang lang(Context ctx) {
        return pages.lang(ctx);
    }

    private Map<String, Object> model(Context ctx, Actor me, Lang lang, String titleKey) {
        return pages.model(ctx, me, lang, titleKey);
    }

    private void render(Context ctx, int status, String template, Map<String, Object> model, Lang lang) {
        pages.render(ctx, status, template, model, lang);
    }

    private static String required(Context ctx, String field, int max) {
        String value = ctx.formParam(field);
        if (value == null || value.isBlank()) {
            throw new BadInput("error.input.missing." + field);
        }
        value = value.strip();
        if (value.length() > max) {
            throw new BadInput("error.input.too_long");
        }
        return value;
    }

    private static void seeOther(Context ctx, String location) {
        ctx.redirect(location, HttpStatus.SEE_OTHER);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ home, login, language

    private void home(Context ctx) {
        Actor me = auth.requirePage(ctx);
        switch (me.role()) {
            case SUBSTANCE_ABUSE_WORKER:
            case CHILD_PROTECTION_WORKER:
                seeOther(ctx, "/caseload");
                break;
            case TECHNICIAN:
                seeOther(ctx, "/devices");
                break;
            case ADMINISTRATOR:
                seeOther(ctx, CasePages.ADMIN_PATH); // their own first page: the organisations' contact lists, then devices
                break;
            case PARENT:
                seeOther(ctx, "/me");
                break;
            default:
                throw new IllegalStateException(me.role().name());
        }
    }

    /** Sets the language cookie and goes back to the page (a local path only: no open redirect). */
    private void switchLanguage(Context ctx) {
        Lang lang = Lang.of(ctx.pathParam("code")).orElse(Lang.FI);
        Cookie cookie = new Cookie(Pages.LANG_COOKIE, lang.code());
        cookie.setPath("/");
        cookie.setMaxAge(365 * 24 * 3600);
        cookie.setSecure(true);
        cookie.setHttpOnly(true);
        cookie.setSameSite(SameSite.LAX);
        ctx.cookie(cookie);
        String back = ctx.queryParam("back");
        boolean local = back != null && back.startsWith("/") && !back.startsWith("//") && !back.contains("\\")
                && back.chars().noneMatch(Character::isISOControl);
        seeOther(ctx, local ? back : "/");
    }

    // ------------------------------------------------------------------ caseload

    private void caseload(Context ctx, Actor me, Lang lang) {
        if (me.role() == Role.PARENT) {
            seeOther(ctx, "/me");
            return;
        }
        List<Caseloads.Entry> rows = care.caseloads().ofWorker(me);
        Map<String, Object> model = model(ctx, me, lang, "caseload.title");
        model.put("rows", rows);
        model.put("openAlerts", care.alerts().openCounts(me));
        model.put("organisation", care.caseloads().organisationNames().getOrDefault(me.organisationId(), me.organisationId()));
        model.put("colleagues", me.role() == Role.SUBSTANCE_ABUSE_WORKER ? care.cases().colleagues(me) : List.of());
        model.put("handedOver", ctx.queryParam("handed_over") != null);
        render(ctx, 200, "caseload", model, lang);
    }

    // ------------------------------------------------------------------ timeline

    /** The period asked for: {@code from} and {@code to} as local dates (to inclusive), or the last {@code days} days. */
    private record Period(LocalDate first, LocalDate last, Instant from, Instant to) {
    }

    private Period period(Context ctx, Lang lang) {
        Formats fmt = new Formats(lang, zone);
        LocalDate today = LocalDate.now(clock.withZone(zone));
        LocalDate first;
        LocalDate last;
        try {
            String f = ctx.queryParam("from");
            String t = ctx.queryParam("to");
            String d = ctx.queryParam("days");
            if (f != null && !f.isBlank() && t != null && !t.isBlank()) {
                first = fmt.parseDate(f);
                last = fmt.parseDate(t);
            } else {
                int days = d == null ? DEFAULT_DAYS : Integer.parseInt(d);
                if (days < 1 || days > MAX_DAYS) {
                    throw new BadInput("error.input.period");
                }
                last = today;
                first = today.minusDays(days - 1L);
            }
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new BadInput("error.input.period");
        }
        if (last.isBefore(first) || first.plusDays(MAX_DAYS).isBefore(last)) {
            throw new BadInput("error.input.period");
        }
        return new Period(first, last, first.atStartOfDay(zone).toInstant(), last.plusDays(1).atStartOfDay(zone).toInstant());
    }

    private void timeline(Context ctx, Actor me, Lang lang) {
        String clientId = existingClient(ctx);
        if (me.role() == Role.PARENT && clientId.equals(me.clientId())) {
            seeOther(ctx, PARENT_DETAILS + (ctx.queryString() == null ? "" : "?" + ctx.queryString()));
            return;
        }
        Map<String, Object> model = model(ctx, me, lang, "timeline.title");
        timelineModel(model, me, clientId, period(ctx, lang), lang);
        render(ctx, 200, "timeline", model, lang);
    }

    /** Fills the timeline's part of a page (the worker's timeline and the parent's own view share it). */
    private void timelineModel(Map<String, Object> model, Actor me, String clientId, Period period, Lang lang) {
        TimelineView timeline = care.timelines().timeline(me, clientId, period.from(), period.to());
        Client client = timeline.client();
        Formats fmt = new Formats(lang, zone);
        Chart chart = ChartModel.of(timeline, lang.code(), zone);
        Map<String, String> photoUrls = new HashMap<>();
        Map<String, String> photoReviewUrls = new HashMap<>();
        for (TimelineEntry e : timeline.entries()) {
            // Only readings the gate let this person see are here, so whoever sees a row may open its photo (the photo API
            // checks and audits each look again).
            if (e.photo() != null && e.photo().stored()) {
                photoUrls.put(e.ref(), PhotoRoutes.photoUrl(e.deviceId(), e.seq()));
            }
            if (e.photo() != null && e.photo().kind() == PhotoState.Kind.WAITING) {
                photoReviewUrls.put(e.ref(), PhotoReviewPage.PATH + "#photo-" + e.deviceId() + "-" + e.seq());
            }
        }
        model.put("client", client);
        model.put("entries", timeline.entries());
        model.put("photoUrls", photoUrls);
        model.put("photoReviewUrls", photoReviewUrls);
        model.put("withheld", timeline.withheld());
        model.put("chart", TimelineChart.svg(chart));
        model.put("chartSummary", chart.summary());
        model.put("legend", TimelineChart.legend(chart));
        model.put("weeks", timeline.weeks(zone));
        model.put("factor", client.perMilleFactor());
        model.put("threshold", client.alertThreshold());
        // The period shown is the timeline's: a child-protection worker's is cut to their unit's consents.
        LocalDate shownFirst = timeline.from().atZone(zone).toLocalDate();
        LocalDate shownLast = timeline.to().isAfter(timeline.from()) ? timeline.to().minusMillis(1).atZone(zone).toLocalDate() : shownFirst;
        model.put("from", fmt.inputDate(shownFirst));
        model.put("to", fmt.inputDate(shownLast));
        model.put("datePattern", fmt.inputDatePattern());
        model.put("consentLimited", me.role() == Role.CHILD_PROTECTION_WORKER);
        model.put("periodText", fmt.date(shownFirst) + " – " + fmt.date(shownLast));
        model.put("reportHref", "/api/v1/clients/" + enc(clientId) + "/report.pdf?from=" + shownFirst + "&to=" + shownLast
                + "&lang=" + lang.code());
        model.put("mayExcuse", timeline.mayExcuse());
        model.put("mayReviewPhotos", timeline.mayReviewPhotos());
        model.put("photoReviewsShown", timeline.photoVerdictsShown());
        model.put("unsyncedCount", timeline.unsyncedCount());
        model.put("failedSignatures", timeline.failedSignatures());
        model.put("device", care.caseloads().currentDevice(clientId).orElse(null));
    }

    private void excuse(Context ctx, Actor me, Lang lang) {
        String clientId = existingClient(ctx);
        String deviceId = required(ctx, "device", 64);
        long seq;
        try {
            seq = Long.parseLong(required(ctx, "seq", 20));
        } catch (NumberFormatException e) {
            throw new BadInput("error.input.rejected");
        }
        String note = required(ctx, "note", MAX_NOTE);
        care.alerts().excuse(me, deviceId, seq, note);
        String back = "/clients/" + enc(clientId) + periodQuery(ctx) + "#" + TimelineEntry.anchor(deviceId, seq);
        seeOther(ctx, back);
    }

    private static String periodQuery(Context ctx) {
        String from = ctx.formParam("from");
        String to = ctx.formParam("to");
        if (from != null && to != null && from.matches("\\d{4}-\\d{2}-\\d{2}") && to.matches("\\d{4}-\\d{2}-\\d{2}")) {
            return "?from=" + from + "&to=" + to;
        }
        return "";
    }

    // ------------------------------------------------------------------ consents

    private void consents(Context ctx, Actor me, Lang lang) {
        String clientId = existingClient(ctx);
        if (me.role() == Role.PARENT && clientId.equals(me.clientId())) {
            seeOther(ctx, PARENT_DETAILS + "#access");
            return;
        }
        List<ConsentVersion> history = care.consents().history(me, clientId);
        Client client = care.caseloads().client(clientId).orElseThrow(() -> new IllegalArgumentException("no client " + clientId));
        Map<String, Object> model = model(ctx, me, lang, "consents.title");
        model.put("client", client);
        consentModel(model, history);
        model.put("mayRecord", me.role() == Role.SUBSTANCE_ABUSE_WORKER);
        model.put("units", care.caseloads().childProtectionUnits());
        LocalDate today = LocalDate.now(clock.withZone(zone));
        Formats fmt = new Formats(lang, zone);
        model.put("defaultFrom", fmt.inputDate(today));
        model.put("defaultUntil", fmt.inputDate(today.plusMonths(3)));
        model.put("defaultSaid", fmt.inputDate(today));
        model.put("datePattern", fmt.inputDatePattern());
        model.put("saidAt", care.consents().saidAt(clientId));
        model.put("saved", ctx.queryParam("saved") != null);
        render(ctx, 200, "consents", model, lang);
    }

    /** A consent as the page lists it: its latest version, its state now, and all its versions. */
    public record ConsentView(ConsentVersion latest, String stateKey, boolean revocable, List<ConsentVersion> versions) {
        /** {@code v}'s scopes in a fixed order (results, missed tests, alerts), so every page lists them alike. */
        public List<Scope> scopesOf(ConsentVersion v) {
            return v.scopes().stream().sorted().toList();
        }
    }

    private void consentModel(Map<String, Object> model, List<ConsentVersion> history) {
        model.put("consents", consentViews(history, clock.instant()));
        model.put("orgNames", care.caseloads().organisationNames());
    }

    /** Each consent in {@code history} with its state at {@code now} (the details page and the parent's first screen). */
    static List<ConsentView> consentViews(List<ConsentVersion> history, Instant now) {
        Map<String, List<ConsentVersion>> byId = new LinkedHashMap<>();
        for (ConsentVersion v : history) {
            byId.computeIfAbsent(v.consentId(), k -> new ArrayList<>()).add(v);
        }
        List<ConsentView> views = new ArrayList<>();
        for (List<ConsentVersion> versions : byId.values()) {
            versions.sort((a, b) -> Integer.compare(a.version(), b.version()));
            ConsentVersion latest = versions.get(versions.size() - 1);
            String state;
            if (latest.revoked()) {
                state = "consent.state.revoked";
            } else if (now.isBefore(latest.validFrom())) {
                state = "consent.state.not_yet";
            } else if (!now.isBefore(latest.validUntil())) {
                state = "consent.state.ended";
            } else {
                state = "consent.state.in_force";
            }
            views.add(new ConsentView(latest, state, !latest.revoked(), List.copyOf(versions)));
        }
        return views;
    }

    private void recordConsent(Context ctx, Actor me, Lang lang) {
        String clientId = existingClient(ctx);
        String unit = required(ctx, "unit", 128);
        LocalDate from;
        LocalDate until;
        try {
            Formats fmt = new Formats(lang, zone);
            from = fmt.parseDate(required(ctx, "from", 10));
            until = fmt.parseDate(required(ctx, "until", 10));
        } catch (DateTimeParseException e) {
            throw new BadInput("error.input.period");
        }
        if (!until.isAfter(from)) {
            throw new BadInput("error.input.period");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : ctx.formParams("scope")) {
            try {
                scopes.add(Scope.valueOf(s));
            } catch (IllegalArgumentException e) {
                throw new BadInput("error.input.rejected");
            }
        }
        if (scopes.isEmpty()) {
            throw new BadInput("error.input.missing.scope");
        }
        if (care.caseloads().childProtectionUnits().stream().noneMatch(u -> u.id().equals(unit))) {
            throw new BadInput("error.input.rejected");
        }
        // "until" is the last day the consent covers, as people say it; the stored period's end is exclusive.
        care.consents().record(me, clientId, unit, from.atStartOfDay(zone).toInstant(), until.plusDays(1).atStartOfDay(zone).toInstant(),
                scopes);
        seeOther(ctx, "/clients/" + enc(clientId) + "/consents?saved=1");
    }

    private void revokeConsent(Context ctx, Actor me, Lang lang) {
        String consentId = required(ctx, "consent", 128);
        if (!"yes".equals(ctx.formParam("confirm"))) {
            throw new BadInput("error.input.missing.confirm");
        }
        ConsentVersion v = care.consents().revoke(me, consentId, clock.instant());
        if (me.role() == Role.PARENT) {
            seeOther(ctx, PARENT_DETAILS + "?revoked=1#access");
        } else {
            seeOther(ctx, "/clients/" + enc(v.clientId()) + "/consents?saved=1");
        }
    }

    // ------------------------------------------------------------------ alerts

    private void alerts(Context ctx, Actor me, Lang lang) {
        List<Alert> inbox = care.alerts().inboxPage(me);
        Map<String, String> names = new HashMap<>();
        Map<String, String> descriptions = new HashMap<>();
        Formats fmt = new Formats(lang, zone);
        AlertTexts texts = new AlertTexts(messages);
        for (Alert a : inbox) {
            Client client = care.caseloads().client(a.clientId()).orElse(null);
            names.put(a.clientId(), client == null ? a.clientId() : client.displayName());
            descriptions.put(a.key(), client == null ? a.summary() : texts.describe(a, client, fmt));
        }
        Map<String, Object> model = model(ctx, me, lang, "alerts.title");
        model.put("open", inbox.stream().filter(Alert::open).toList());
        model.put("handled", inbox.stream().filter(a -> !a.open()).toList());
        model.put("clientNames", names);
        model.put("descriptions", descriptions);
        model.put("saved", ctx.queryParam("saved") != null);
        render(ctx, 200, "alerts", model, lang);
    }

    private void acknowledge(Context ctx, Actor me, Lang lang) {
        String key = required(ctx, "alert", 256);
        String note = required(ctx, "note", MAX_NOTE);
        care.alerts().acknowledge(me, key, note);
        seeOther(ctx, "/alerts?saved=1");
    }

    // ------------------------------------------------------------------ devices

    private void devices(Context ctx, Actor me, Lang lang) {
        List<DeviceHealth.Row> rows = care.devices().devices(me);
        Map<String, Object> model = model(ctx, me, lang, "devices.title");
        model.put("rows", rows);
        model.put("mayCreateCode", care.devices().mayCreateCodes(me));
        model.put("codeHours", codeLifetime.toHours());
        render(ctx, 200, "devices", model, lang);
    }

    private void createCode(Context ctx, Actor me, Lang lang) {
        String note = ctx.formParam("note") == null ? "" : ctx.formParam("note").strip();
        if (note.length() > 200) {
            throw new BadInput("error.input.too_long");
        }
        EnrollmentCodes.IssuedCode issued = care.devices().createCode(me, codeLifetime, note.isEmpty() ? null : note);
        LOG.info("enrollment code created on the devices page by {} (expires {})", me.userId(), issued.expiresAt());
        // Shown once, on this answer to the POST (never in a URL, never stored in clear).
        Map<String, Object> model = model(ctx, me, lang, "devices.code.title");
        model.put("code", issued.code().toString());
        model.put("expiresAt", issued.expiresAt());
        model.put("note", note);
        render(ctx, 200, "code", model, lang);
    }

    // ------------------------------------------------------------------ the parent's own view

    private void parentView(Context ctx, Actor me, Lang lang) {
        if (me.role() != Role.PARENT) {
            seeOther(ctx, "/");
            return;
        }
        Map<String, Object> model = model(ctx, me, lang, "me.details.title");
        timelineModel(model, me, me.clientId(), period(ctx, lang), lang);
        consentModel(model, care.consents().history(me, me.clientId()));
        Client client = (Client) model.get("client");
        model.put("serviceName", care.caseloads().organisationNames().getOrDefault(client.substanceAbuseOrganisationId(),
                client.substanceAbuseOrganisationId()));
        model.put("revoked", ctx.queryParam("revoked") != null);
        WhoLookedView.put(model, care, me, lang, zone); // "who looked": SignInPages' feature, on the parent's own page
        model.put("supportRequests", care.support().ofParent(me)); // their requests and where each stands (SupportPages)
        render(ctx, 200, "me_details", model, lang);
    }

    private void parentExport(Context ctx, Actor me, Lang lang) {
        if (me.role() != Role.PARENT) {
            seeOther(ctx, "/");
            return;
        }
        String json = care.export().export(me, me.clientId());
        ctx.header("Content-Disposition", "attachment; filename=\"breathgate-my-data.json\"");
        ctx.contentType("application/json; charset=utf-8").result(json);
    }

    /** The parent's verification bundle: their signed messages, the device keys and a script to check them with OpenSSL. */
    private void parentBundle(Context ctx, Actor me, Lang lang) {
        if (me.role() != Role.PARENT) {
            seeOther(ctx, "/");
            return;
        }
        byte[] zip = care.bundles().zip(me, me.clientId());
        ctx.header("Content-Disposition", "attachment; filename=\"breathgate-verification-bundle.zip\"");
        ctx.contentType("application/zip").result(zip);
    }

    private static byte[] resource(String name) {
        try (InputStream in = UiRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the receiver jar lacks " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
