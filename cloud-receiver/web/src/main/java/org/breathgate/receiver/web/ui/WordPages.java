package org.breathgate.receiver.web.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Role;
import org.breathgate.care.word.Explanation;
import org.breathgate.care.word.PlannedAbsence;
import org.breathgate.receiver.care.Care;
import org.breathgate.receiver.care.timeline.TimelineEntry;
import org.breathgate.receiver.care.chart.WordLines;
import org.breathgate.receiver.care.word.ParentWord;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The parent's own word on the web: the parent's page to explain one of their readings or missed tests, and their planned
 * absences page (announce one, see the decision); the substance-abuse worker's accept or decline on the timeline. Every
 * write is the care room's ({@link ParentWord}), decided and audited by its gate; this class only reads forms.
 */
final class WordPages {

    /** The parent's planned absences. */
    static final String ABSENCES_PATH = "/me/absences";

    private final Pages pages;
    private final Care care;
    private final ZoneId zone;

    WordPages(Pages pages, Care care, ZoneId zone) {
        this.pages = Objects.requireNonNull(pages, "pages");
        this.care = Objects.requireNonNull(care, "care");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    void register(RoutesConfig routes, Function<UiRoutes.PageHandler, Handler> page) {
        routes.get("/me/events/{device}/{seq}/explain", page.apply(this::explainPage));
        routes.post("/me/events/{device}/{seq}/explain", page.apply(this::explain));
        routes.get(ABSENCES_PATH, page.apply(this::absencesPage));
        routes.post(ABSENCES_PATH, page.apply(this::announce));
        routes.post("/clients/{id}/absences/{absence}/decide", page.apply(this::decide));
    }

    /** The parent's choice of words on their first screen, for these pages too: {@code ".plain"} or the standard {@code ""}. */
    private static String words(Context ctx) {
        return ParentPage.plain(ctx) ? ".plain" : "";
    }

    /** Where the parent explains event {@code deviceId#seq}. */
    static String explainPath(String deviceId, long seq) {
        return "/me/events/" + enc(deviceId) + "/" + seq + "/explain";
    }

    private void explainPage(Context ctx, Actor me, Lang lang) {
        ParentWord.Explained event = care.word().event(me, ctx.pathParam("device"), seq(ctx));
        String v = words(ctx);
        Map<String, Object> model = pages.model(ctx, me, lang, "word.explain.title" + v);
        model.put("v", v);
        WordLines lines = new WordLines(lang.code(), zone);
        model.put("event", event);
        model.put("eventKey", event.missed() ? "word.explain.missed" : "word.explain.reading");
        model.put("lines", event.explanations().stream().map(lines::explanation).toList());
        model.put("choices", Arrays.stream(Explanation.Choice.values()).map(Explanation.Choice::wireName).toList());
        model.put("maxText", Explanation.MAX_TEXT);
        model.put("saved", ctx.queryParam("saved") != null);
        model.put("back", "/me/details#" + TimelineEntry.anchor(event.deviceId(), event.seq()));
        pages.render(ctx, 200, "explain", model, lang);
    }

    private void explain(Context ctx, Actor me, Lang lang) {
        String deviceId = ctx.pathParam("device");
        long seq = seq(ctx);
        Explanation.Choice choice;
        try {
            choice = Explanation.Choice.ofWire(required(ctx, "choice", 16));
        } catch (IllegalArgumentException e) {
            throw new UiRoutes.BadInput("error.input.missing.choice");
        }
        String text = optional(ctx, "text", Explanation.MAX_TEXT);
        if (choice == Explanation.Choice.OTHER && text == null) {
            throw new UiRoutes.BadInput("error.input.missing.text");
        }
        care.word().explain(me, deviceId, seq, choice, text);
        seeOther(ctx, explainPath(deviceId, seq) + "?saved=1");
    }

    private void absencesPage(Context ctx, Actor me, Lang lang) {
        if (me.role() != Role.PARENT) {
            seeOther(ctx, "/");
            return;
        }
        List<PlannedAbsence> absences = care.word().ofParent(me);
        String v = words(ctx);
        Map<String, Object> model = pages.model(ctx, me, lang, "word.absences.title" + v);
        model.put("v", v);
        WordLines lines = new WordLines(lang.code(), zone);
        model.put("absences", absences.stream().map(lines::absence).toList());
        model.put("kinds", Arrays.stream(PlannedAbsence.Kind.values()).map(PlannedAbsence.Kind::wireName).toList());
        model.put("datePattern", new Formats(lang, zone).inputDatePattern());
        model.put("maxText", Explanation.MAX_TEXT);
        model.put("saved", ctx.queryParam("saved") != null);
        pages.render(ctx, 200, "absences", model, lang);
    }

    private void announce(Context ctx, Actor me, Lang lang) {
        if (me.role() != Role.PARENT) {
            seeOther(ctx, "/");
            return;
        }
        Formats fmt = new Formats(lang, zone);
        LocalDate first;
        LocalDate last;
        try {
            first = fmt.parseDate(required(ctx, "from", 10));
            last = fmt.parseDate(required(ctx, "until", 10));
        } catch (DateTimeParseException e) {
            throw new UiRoutes.BadInput("error.input.period");
        }
        if (last.isBefore(first)) {
            throw new UiRoutes.BadInput("error.input.period");
        }
        PlannedAbsence.Kind kind;
        try {
            kind = PlannedAbsence.Kind.ofWire(required(ctx, "kind", 16));
        } catch (IllegalArgumentException e) {
            throw new UiRoutes.BadInput("error.input.missing.kind");
        }
        // Whole days in the service's zone: from the first day's start to the end of the last.
        care.word().announce(me, first.atStartOfDay(zone).toInstant(), last.plusDays(1).atStartOfDay(zone).toInstant(), kind,
                optional(ctx, "text", Explanation.MAX_TEXT));
        seeOther(ctx, ABSENCES_PATH + "?saved=1");
    }

    private void decide(Context ctx, Actor me, Lang lang) {
        String clientId = ctx.pathParam("id");
        String absenceId = ctx.pathParam("absence");
        if (!care.word().clientOf(me, absenceId).map(clientId::equals).orElse(false)) {
            throw new UiRoutes.BadInput("error.input.rejected");
        }
        String decision = required(ctx, "decision", 8);
        if (!decision.equals("accept") && !decision.equals("decline")) {
            throw new UiRoutes.BadInput("error.input.rejected");
        }
        care.word().decide(me, absenceId, decision.equals("accept"), optional(ctx, "note", Explanation.MAX_TEXT));
        seeOther(ctx, "/clients/" + enc(clientId) + "#absences");
    }

    /** A timeline's share of the parent's word for {@code _timeline.peb}: lines beside events, absences, what the viewer may do. */
    static void put(Map<String, Object> model, org.breathgate.receiver.care.timeline.TimelineView timeline, Lang lang, ZoneId zone) {
        WordLines lines = new WordLines(lang.code(), zone);
        Map<String, List<String>> byRef = new java.util.HashMap<>();
        Map<String, String> explainHrefs = new java.util.HashMap<>();
        for (TimelineEntry e : timeline.entries()) {
            List<String> l = lines.of(e);
            if (!l.isEmpty()) {
                byRef.put(e.ref(), l);
            }
            if (timeline.word().mayExplain() && e.explainable()) {
                explainHrefs.put(e.ref(), explainPath(e.deviceId(), e.seq()));
            }
        }
        List<Map<String, Object>> absences = new java.util.ArrayList<>();
        for (PlannedAbsence a : timeline.word().absences()) {
            absences.add(Map.of("id", a.id(), "line", lines.absence(a), "pending", a.pending()));
        }
        model.put("wordLines", byRef);
        model.put("explainHrefs", explainHrefs);
        model.put("absences", absences);
        model.put("absencesHeading", lines.text("word.absences.heading"));
        model.put("mayDecideAbsences", timeline.word().mayDecide());
        model.put("mayExplain", timeline.word().mayExplain());
    }

    private static long seq(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("seq"));
        } catch (NumberFormatException e) {
            throw new UiRoutes.BadInput("error.input.rejected");
        }
    }

    private static String required(Context ctx, String field, int max) {
        String value = optional(ctx, field, max);
        if (value == null) {
            throw new UiRoutes.BadInput("error.input.missing." + field);
        }
        return value;
    }

    private static String optional(Context ctx, String field, int max) {
        String value = ctx.formParam(field);
        if (value == null || value.isBlank()) {
            return null;
        }
        value = value.strip();
        if (value.length() > max) {
            throw new UiRoutes.BadInput("error.input.too_long");
        }
        return value;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void seeOther(Context ctx, String location) {
        ctx.redirect(location, HttpStatus.SEE_OTHER);
    }
}
