package org.breathgate.receiver.web.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.Role;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.Scope;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.PerMilleFactor;
import org.breathgate.protocol.Schedule;
import org.breathgate.receiver.care.Care;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.routing.AlertRouting;
import org.breathgate.receiver.care.routing.Routing;
import org.breathgate.receiver.care.schedule.DeviceConfigs;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The pages that start and steer a case (substance-abuse worker): a new client; the case page with its device loan and loan
 * history, the responsible workers and deputy, the schedule agreed with the parent (said back in plain words) with the
 * threshold and per-mille factor, the reference photo, closing and reopening; a caseload handover; a consent amended as the
 * parent said it. And the administrator's own first page: each organisation's on-call and escalation lists. Every change is
 * the care room's, decided and audited by its gate; this class only reads forms and shows answers.
 */
final class CasePages {

    /** The administrator's first page. */
    static final String ADMIN_PATH = "/admin";
    /** A reference photo from the page: a JPEG of at most 512 KiB (the size of a test photo), not the API's 64 KiB body limit. */
    static final int MAX_REFERENCE_BYTES = 512 * 1024;

    private final Pages pages;
    private final Care care;
    private final Clock clock;
    private final ZoneId zone;
    private final ScheduleWords words;

    CasePages(Pages pages, Care care, Clock clock, ZoneId zone) {
        this.pages = Objects.requireNonNull(pages, "pages");
        this.care = Objects.requireNonNull(care, "care");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.words = new ScheduleWords(pages.messages());
    }

    void register(RoutesConfig routes, Function<UiRoutes.PageHandler, Handler> page) {
        routes.get("/clients/new", page.apply(this::newClientForm));
        routes.post("/clients", page.apply(this::newClient));
        routes.get("/clients/{id}/case", page.apply(this::casePage));
        routes.post("/clients/{id}/lend", page.apply(this::lend));
        routes.post("/clients/{id}/return", page.apply(this::takeBack));
        routes.post("/clients/{id}/schedule", page.apply(this::schedule));
        routes.post("/clients/{id}/threshold", page.apply(this::threshold));
        routes.post("/clients/{id}/request-test", page.apply(this::requestTest));
        routes.post("/clients/{id}/workers", page.apply(this::workers));
        routes.post("/clients/{id}/close", page.apply(this::close));
        routes.post("/clients/{id}/reopen", page.apply(this::reopen));
        routes.post("/clients/{id}/reference-photo", page.apply(this::referencePhoto));
        routes.post("/handover", page.apply(this::handover));
        routes.post("/consents/amend", page.apply(this::amendConsent));
        routes.get(ADMIN_PATH, page.apply(this::admin));
        routes.post(ADMIN_PATH + "/contacts", page.apply(this::contacts));
    }

    // ------------------------------------------------------------------ new client

    private void newClientForm(Context ctx, Actor me, Lang lang) {
        care.cases().colleagues(me); // refuses (audited) anyone but a substance-abuse worker
        Map<String, Object> model = pages.model(ctx, me, lang, "client.new.title");
        render(ctx, 200, "client_new", model, lang);
    }

    private void newClient(Context ctx, Actor me, Lang lang) {
        String id = required(ctx, "client_id", 128);
        if (!id.matches("[a-z0-9][a-z0-9._-]{0,127}")) {
            throw new UiRoutes.BadInput("error.input.client_id");
        }
        String name = required(ctx, "name", 200);
        care.people().openCase(me, id, name);
        seeOther(ctx, casePath(id) + "?saved=created");
    }

    // ------------------------------------------------------------------ the case page

    private void casePage(Context ctx, Actor me, Lang lang) {
        String clientId = ctx.pathParam("id");
        List<Assignment> loans = care.cases().loans(me, clientId); // MANAGE_CLIENT: refused (audited) for anyone else
        Client client = care.caseloads().client(clientId).orElseThrow();
        Formats fmt = new Formats(lang, zone);
        Map<String, Object> model = pages.model(ctx, me, lang, "case.title");
        model.put("client", client);
        model.put("loans", loans);
        model.put("current", loans.stream().filter(Assignment::active).findFirst().orElse(null));
        model.put("lendable", care.cases().lendable(me));
        model.put("colleagues", care.cases().colleagues(me));
        Routing.Duties duties = care.routing().duties(me, clientId);
        model.put("responsible", duties.responsible());
        model.put("deputy", duties.deputy());
        Optional<DeviceConfigs.OnRecord> schedule = care.schedules().current(me, clientId);
        schedule.ifPresent(r -> {
            model.put("scheduleWords", words.sentences(r.config(), client, fmt));
            model.put("scheduleBy", r.issuedBy());
            model.put("scheduleAt", r.config().issued());
        });
        Schedule s = schedule.map(r -> r.config().schedule()).orElseGet(() -> Schedule.withDefaults(zone, List.of()));
        model.put("slotsText", String.join(", ", s.slots().stream().map(slot -> slot.at().toString()).toList()));
        Schedule.Slot first = s.slots().isEmpty() ? Schedule.Slot.at(LocalTime.of(8, 0)) : s.slots().get(0);
        model.put("windowBefore", first.windowBeforeMin());
        model.put("windowAfter", first.windowAfterMin());
        model.put("remindersText", String.join(", ", s.remindersBeforeCloseMin().stream().map(String::valueOf).toList()));
        model.put("retestDelay", s.retestDelayMin());
        model.put("retestWindow", s.retestWindowMin());
        model.put("maxRetests", s.maxRetests());
        model.put("abstain", s.abstainMin());
        model.put("randomPerDay", s.random() == null ? 0 : s.random().perDay());
        model.put("randomFrom", s.random() == null ? "09:00" : s.random().from().toString());
        model.put("randomUntil", s.random() == null ? "21:00" : s.random().until().toString());
        model.put("randomWindow", s.random() == null ? 30 : s.random().windowMin());
        model.put("language", schedule.map(r -> r.config().language()).orElse(DeviceConfigs.DEFAULT_LANGUAGE));
        model.put("deviceLanguages", List.of("fi", "sv", "en"));
        model.put("thresholdText", fmt.mgPerLitre(client.alertThreshold()));
        model.put("thresholdPerMille", fmt.perMille(client.alertThreshold(), client.perMilleFactor()));
        model.put("factors", List.of(PerMilleFactor.FINNISH_CRIMINAL_CODE.name(), PerMilleFactor.PARTITION_2100.name()));
        model.put("saved", ctx.queryParam("saved"));
        model.put("maxReferenceKiB", MAX_REFERENCE_BYTES / 1024);
        render(ctx, 200, "case", model, lang);
    }

    private void lend(Context ctx, Actor me, Lang lang) {
        String clientId = ctx.pathParam("id");
        care.cases().lend(me, clientId, required(ctx, "device", 63));
        seeOther(ctx, casePath(clientId) + "?saved=lent#device");
    }

    private void takeBack(Context ctx, Actor me, Lang lang) {
        String clientId = ctx.pathParam("id");
        confirm(ctx);
        care.cases().takeBack(me, clientId);
        seeOther(ctx, casePath(clientId) + "?saved=returned#device");
    }

    private void schedule(Context ctx, Actor me, Lang lang) {
        String clientId = ctx.pathParam("id");
        List<Schedule.Slot> slots = new ArrayList<>();
        int before = number(ctx, "window_before", 0, 120);
        int after = number(ctx, "window_after", 1, 120);
        String slotText = Optional.ofNullable(ctx.formParam("slots")).orElse("").strip();
        for (String part : slotText.isEmpty() ? new String[0] : slotText.split("[,\\s]+")) {
            try {
                slots.add(new Schedule.Slot(clockTime(part), before, after));
            } catch (DateTimeParseException e) {
                throw new UiRoutes.BadInput("error.input.slots");
            }
        }
        if (slots.size() > 24) {
            throw new UiRoutes.BadInput("error.input.slots");
        }
        List<Integer> reminders = new ArrayList<>();
        String reminderText = Optional.ofNullable(ctx.formParam("reminders")).orElse("").strip();
        for (String part : reminderText.isEmpty() ? new String[0] : reminderText.split("[,\\s]+")) {
            try {
                reminders.add(Integer.parseInt(part));
            } catch (NumberFormatException e) {
                throw new UiRoutes.BadInput("error.input.reminders");
            }
        }
        String language = required(ctx, "language", 2);
        if (!ConfigUpdate.LANGUAGES.contains(language)) {
            throw new UiRoutes.BadInput("error.input.rejected");
        }
        Schedule.RandomTests random = null;
        String perDayText = ctx.formParam("random_per_day");
        int perDay = perDayText == null || perDayText.isBlank() ? 0 : number(ctx, "random_per_day", 0, 12);
        if (perDay > 0) {
            try {
                random = new Schedule.RandomTests(perDay, clockTime(Optional.ofNullable(ctx.formParam("random_from")).orElse("")),
                        clockTime(Optional.ofNullable(ctx.formParam("random_until")).orElse("")), number(ctx, "random_window", 5, 120));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new UiRoutes.BadInput("error.input.random");
            }
        }
        Schedule schedule;
        try {
            schedule = new Schedule(zone, slots, reminders, number(ctx, "retest_delay", 1, 240), number(ctx, "retest_window", 1, 240),
                    number(ctx, "max_retests", 0, 20), number(ctx, "abstain", 0, 120), random);
        } catch (IllegalArgumentException e) {
            throw new UiRoutes.BadInput("error.input.schedule");
        }
        care.schedules().set(me, clientId, schedule, language);
        seeOther(ctx, casePath(clientId) + "?saved=schedule#schedule");
    }

    /** A time of day as people type it: "8:00", "08:00", "8.00" or "20.30". */
    private static LocalTime clockTime(String text) {
        String t = text.strip().replace('.', ':');
        return LocalTime.parse(t.length() == 4 ? "0" + t : t);
    }

    /** "Please test within 30 minutes": signed and sent to the device at once. */
    private void requestTest(Context ctx, Actor me, Lang lang) {
        String clientId = ctx.pathParam("id");
        care.schedules().requestTest(me, clientId, org.breathgate.receiver.care.schedule.Schedules.DEFAULT_REQUEST_WINDOW);
        seeOther(ctx, casePath(clientId) + "?saved=requested#device");
    }

    private void threshold(Context ctx, Actor me, Lang lang) {
        String clientId = ctx.pathParam("id");
        BreathAlcohol threshold;
        try {
            BigDecimal mg = new BigDecimal(required(ctx, "threshold", 8).replace(',', '.'));
            int ug = mg.movePointRight(3).intValueExact();
            if (ug < 10 || ug > 2000) {
                throw new UiRoutes.BadInput("error.input.threshold");
            }
            threshold = new BreathAlcohol(ug);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UiRoutes.BadInput("error.input.threshold");
        }
        String factorName = required(ctx, "factor", 16);
        PerMilleFactor factor = List.of(PerMilleFactor.FINNISH_CRIMINAL_CODE, PerMilleFactor.PARTITION_2100).stream()
                .filter(f -> f.name().equals(factorName)).findFirst().orElseThrow(() -> new UiRoutes.BadInput("error.input.rejected"));
        care.people().setThreshold(me, clientId, threshold, factor);
        seeOther(ctx, casePath(clientId) + "?saved=threshold#threshold");
    }

    private void workers(Context ctx, Actor me, Lang lang) {
        String clientId = ctx.pathParam("id");
        List<String> responsible = ctx.formParams("responsible").stream().filter(s -> !s.isBlank()).toList();
        if (responsible.isEmpty()) {
            throw new UiRoutes.BadInput("error.input.missing.responsible");
        }
        String deputy = Optional.ofNullable(ctx.formParam("deputy")).filter(s -> !s.isBlank()).orElse(null);
        care.routing().setDuties(me, clientId, responsible, deputy);
        seeOther(ctx, casePath(clientId) + "?saved=workers#workers");
    }

    private void close(Context ctx, Actor me, Lang lang) {
        String clientId = ctx.pathParam("id");
        confirm(ctx);
        care.cases().close(me, clientId);
        seeOther(ctx, casePath(clientId) + "?saved=closed");
    }

    private void reopen(Context ctx, Actor me, Lang lang) {
        String clientId = ctx.pathParam("id");
        care.cases().reopen(me, clientId);
        seeOther(ctx, casePath(clientId) + "?saved=reopened");
    }

    /** A multipart upload of one JPEG, bounded here (not by the API's 64 KiB body limit). */
    private void referencePhoto(Context ctx, Actor me, Lang lang) throws IOException {
        String clientId = ctx.pathParam("id");
        UploadedFile file = ctx.uploadedFile("photo");
        if (file == null || file.size() == 0) {
            throw new UiRoutes.BadInput("error.input.missing.photo");
        }
        if (file.size() > MAX_REFERENCE_BYTES) {
            throw new UiRoutes.BadInput("error.input.photo_too_large");
        }
        byte[] jpeg;
        try (InputStream in = file.content()) {
            jpeg = in.readNBytes(MAX_REFERENCE_BYTES + 1);
        }
        if (jpeg.length > MAX_REFERENCE_BYTES) {
            throw new UiRoutes.BadInput("error.input.photo_too_large");
        }
        care.photos().enrollReference(me, clientId, jpeg);
        seeOther(ctx, casePath(clientId) + "?saved=photo#photo");
    }

    private void handover(Context ctx, Actor me, Lang lang) {
        String from = required(ctx, "from", 128);
        String to = required(ctx, "to", 128);
        care.routing().handover(me, from, to);
        seeOther(ctx, "/caseload?handed_over=1");
    }

    private void amendConsent(Context ctx, Actor me, Lang lang) {
        String consentId = required(ctx, "consent", 128);
        Formats fmt = new Formats(lang, zone);
        LocalDate from;
        LocalDate until;
        LocalDate said;
        try {
            from = fmt.parseDate(required(ctx, "from", 10));
            until = fmt.parseDate(required(ctx, "until", 10));
            said = fmt.parseDate(required(ctx, "said", 10));
        } catch (DateTimeParseException e) {
            throw new UiRoutes.BadInput("error.input.period");
        }
        if (!until.isAfter(from) || said.isAfter(LocalDate.now(clock.withZone(zone)))) {
            throw new UiRoutes.BadInput("error.input.period");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : ctx.formParams("scope")) {
            try {
                scopes.add(Scope.valueOf(s));
            } catch (IllegalArgumentException e) {
                throw new UiRoutes.BadInput("error.input.rejected");
            }
        }
        if (scopes.isEmpty()) {
            throw new UiRoutes.BadInput("error.input.missing.scope");
        }
        // The day the parent said it, at its start: the version's recorded time stays when it was entered.
        ConsentVersion v = care.consents().amend(me, consentId, from.atStartOfDay(zone).toInstant(),
                until.plusDays(1).atStartOfDay(zone).toInstant(), scopes, said.atStartOfDay(zone).toInstant());
        seeOther(ctx, "/clients/" + enc(v.clientId()) + "/consents?saved=1");
    }

    // ------------------------------------------------------------------ the administrator's page

    private void admin(Context ctx, Actor me, Lang lang) {
        if (me.role() != Role.ADMINISTRATOR) {
            seeOther(ctx, "/");
            return;
        }
        List<Map<String, Object>> orgs = new ArrayList<>();
        for (Map.Entry<String, String> e : care.caseloads().organisationNames().entrySet()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", e.getKey());
            o.put("name", e.getValue());
            o.put("onCall", String.join(", ", care.routing().contacts(me, e.getKey(), AlertRouting.Contacts.ON_CALL)));
            o.put("escalation", String.join(", ", care.routing().contacts(me, e.getKey(), AlertRouting.Contacts.ESCALATION)));
            orgs.add(o);
        }
        Map<String, Object> model = pages.model(ctx, me, lang, "admin.title");
        model.put("organisations", orgs);
        model.put("saved", ctx.queryParam("saved") != null);
        render(ctx, 200, "admin", model, lang);
    }

    private void contacts(Context ctx, Actor me, Lang lang) {
        String organisation = required(ctx, "organisation", 128);
        for (AlertRouting.Contacts list : AlertRouting.Contacts.values()) {
            String field = list == AlertRouting.Contacts.ON_CALL ? "on_call" : "escalation";
            List<String> ids = Arrays.stream(Optional.ofNullable(ctx.formParam(field)).orElse("").split("[,\\s]+"))
                    .filter(s -> !s.isBlank()).toList();
            care.routing().setContacts(me, organisation, list, ids);
        }
        seeOther(ctx, ADMIN_PATH + "?saved=1");
    }

    // ------------------------------------------------------------------ plumbing

    private void render(Context ctx, int status, String template, Map<String, Object> model, Lang lang) {
        pages.render(ctx, status, template, model, lang);
    }

    private static String casePath(String clientId) {
        return "/clients/" + enc(clientId) + "/case";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void seeOther(Context ctx, String location) {
        ctx.redirect(location, HttpStatus.SEE_OTHER);
    }

    private static void confirm(Context ctx) {
        if (!"yes".equals(ctx.formParam("confirm"))) {
            throw new UiRoutes.BadInput("error.input.missing.confirm");
        }
    }

    private static String required(Context ctx, String field, int max) {
        String value = ctx.formParam(field);
        if (value == null || value.isBlank()) {
            throw new UiRoutes.BadInput("error.input.missing." + field);
        }
        value = value.strip();
        if (value.length() > max) {
            throw new UiRoutes.BadInput("error.input.too_long");
        }
        return value;
    }

    private static int number(Context ctx, String field, int min, int max) {
        try {
            int v = Integer.parseInt(required(ctx, field, 4));
            if (v < min || v > max) {
                throw new UiRoutes.BadInput("error.input.schedule");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UiRoutes.BadInput("error.input.schedule");
        }
    }

}
