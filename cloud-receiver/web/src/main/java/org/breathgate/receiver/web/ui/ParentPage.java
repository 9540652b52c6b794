package org.breathgate.receiver.web.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Role;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.receiver.care.Care;
import org.breathgate.receiver.care.alert.Alerts;
import org.breathgate.receiver.care.feedback.ParentFeedback;
import org.breathgate.receiver.care.schedule.NextTest;
import org.breathgate.receiver.care.timeline.TimelineEntry;
import org.breathgate.receiver.care.timeline.TimelineView;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The parent's first screen ({@code /me}), in plain words and large type: the next test, the last result in one sentence, their
 * support requests, who can see what and why, the alerts about them that went to child protection, and a short "how is this
 * working for you?". Every fact comes from the care room (the schedule on record, the timeline, the support requests, the
 * consents, the alerts child protection receives), decided and audited by its gate; the dense table with ids and rule codes
 * stays one click away on {@code /me/details} ({@link UiRoutes}).
 *
 * <p>The words come in two kinds, chosen by the parent and remembered in a cookie like the language: the standard texts and
 * plain ones ({@code <key>.plain}: selkokieli in Finnish, lätt svenska in Swedish, easy English). Also here: the service's page
 * for reading the feedback ({@link #FEEDBACK_PATH}).
 */
final class ParentPage {

    /** The cookie remembering the parent's choice of words: {@code plain} or {@code standard}. */
    static final String WORDS_COOKIE = "breathgate_words";
    static final String FEEDBACK_PATH = "/feedback";
    /** How far back the page looks for the last result: the worker's default period. */
    private static final Duration LAST_RESULT_WINDOW = Duration.ofDays(UiRoutes.DEFAULT_DAYS);
    private static final Set<TimelineEntry.Kind> TESTS = EnumSet.of(TimelineEntry.Kind.TEST, TimelineEntry.Kind.RETEST,
            TimelineEntry.Kind.NO_SAMPLE, TimelineEntry.Kind.MISSED);

    private final Pages pages;
    private final Care care;
    private final Clock clock;
    private final ZoneId zone;

    ParentPage(Pages pages, Care care, Clock clock, ZoneId zone) {
        this.pages = Objects.requireNonNull(pages, "pages");
        this.care = Objects.requireNonNull(care, "care");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    void register(RoutesConfig routes, Function<UiRoutes.PageHandler, Handler> page) {
        routes.get("/me", page.apply(this::firstScreen));
        routes.get("/me/words/{kind}", this::chooseWords);
        routes.post("/me/feedback", page.apply(this::giveFeedback));
        routes.get(FEEDBACK_PATH, page.apply(this::readFeedback));
    }

    /** Whether the reader chose plain words. */
    static boolean plain(Context ctx) {
        return "plain".equals(ctx.cookie(WORDS_COOKIE));
    }

    private void firstScreen(Context ctx, Actor me, Lang lang) {
        if (me.role() != Role.PARENT) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        boolean plain = plain(ctx);
        String v = plain ? ".plain" : "";
        Formats fmt = new Formats(lang, zone);
        Map<String, Object> model = pages.model(ctx, me, lang, "home.title" + v);
        model.put("v", v);
        model.put("plain", plain);
        String clientId = me.clientId();
        Instant now = clock.instant();

        NextTest next = care.schedules().nextTest(me, clientId).orElse(null);
        if (next != null) {
            LocalDate today = LocalDate.now(clock.withZone(zone));
            LocalDate day = next.at().atZone(zone).toLocalDate();
            model.put("nextDay", day.equals(today) ? "today" : day.equals(today.plusDays(1)) ? "tomorrow" : "other");
            model.put("nextDate", fmt.date(day));
            model.put("nextTime", fmt.time(next.at()));
            model.put("nextFrom", fmt.time(next.windowFrom()));
            model.put("nextUntil", fmt.time(next.windowUntil()));
            model.put("nextOpen", !now.isBefore(next.windowFrom()));
            model.put("randomToo", next.randomToo());
        }

        TimelineView timeline = care.timelines().timeline(me, clientId, now.minus(LAST_RESULT_WINDOW), now);
        TimelineEntry last = null;
        for (TimelineEntry e : timeline.entries()) {
            if (TESTS.contains(e.kind()) && (last == null || !e.shownAt().isBefore(last.shownAt()))) {
                last = e;
            }
        }
        if (last != null) {
            String kind = switch (last.kind()) {
                case TEST, RETEST -> last.positive() ? "fail" : "pass";
                case NO_SAMPLE -> "no_sample";
                default -> "missed";
            };
            model.put("lastKind", kind);
            model.put("lastWhen", fmt.dateTime(last.shownAt()));
            model.put("lastExcused", last.excuse() != null);
            model.put("lastUnsynced", !last.clockSynced()); // its time is the receipt, the latest it can have been
        }

        model.put("supportRequests", care.support().ofParent(me));

        Map<String, String> orgNames = care.caseloads().organisationNames();
        org.breathgate.care.access.Client client = timeline.client();
        model.put("serviceName", orgNames.getOrDefault(client.substanceAbuseOrganisationId(), client.substanceAbuseOrganisationId()));
        List<Map<String, Object>> shares = new ArrayList<>();
        for (UiRoutes.ConsentView c : UiRoutes.consentViews(care.consents().history(me, clientId), now)) {
            boolean inForce = c.stateKey().equals("consent.state.in_force");
            boolean notYet = c.stateKey().equals("consent.state.not_yet");
            if (!inForce && !notYet) {
                continue; // ended and withdrawn consents share nothing; the details page lists them
            }
            ConsentVersion latest = c.latest();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("unit", orgNames.getOrDefault(latest.childProtectionUnitId(), latest.childProtectionUnitId()));
            s.put("what", list(c.scopesOf(latest).stream().map(scope -> pages.messages().get(lang, "home.scope." + scope + v)).toList(),
                    lang));
            s.put("from", fmt.date(latest.validFrom()));
            s.put("until", fmt.lastDay(latest.validUntil()));
            s.put("notYet", notYet);
            shares.add(s);
        }
        model.put("shares", shares);

        List<Map<String, Object>> sent = new ArrayList<>();
        for (Alerts.SentToChildProtection a : care.alerts().sentToChildProtection(me)) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("key", a.alertKey());
            s.put("when", fmt.dateTime(a.raisedAt()));
            s.put("unit", orgNames.getOrDefault(a.unitId(), a.unitId()));
            sent.add(s);
        }
        model.put("alertsSent", sent);
        model.put("thanks", ctx.queryParam("thanks") != null);
        pages.render(ctx, 200, "me", model, lang);
    }

    /** "a, b and c" in the language. */
    private String list(List<String> items, Lang lang) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + pages.messages().get(lang, "list.and") + items.get(items.size() - 1);
    }

    /** Sets the words cookie (a year, like the language) and goes back to the first screen. */
    private void chooseWords(Context ctx) {
        String kind = "plain".equals(ctx.pathParam("kind")) ? "plain" : "standard";
        Cookie cookie = new Cookie(WORDS_COOKIE, kind);
        cookie.setPath("/");
        cookie.setMaxAge(365 * 24 * 3600);
        cookie.setSecure(true);
        cookie.setHttpOnly(true);
        cookie.setSameSite(SameSite.LAX);
        ctx.cookie(cookie);
        ctx.redirect("/me", HttpStatus.SEE_OTHER);
    }

    private void giveFeedback(Context ctx, Actor me, Lang lang) {
        String words = ctx.formParam("words");
        if (words != null && words.strip().length() > ParentFeedback.MAX_WORDS) {
            throw new UiRoutes.BadInput("error.input.too_long");
        }
        ParentFeedback.Feeling feeling;
        try {
            feeling = ParentFeedback.Feeling.of(ctx.formParam("feeling"));
        } catch (IllegalArgumentException e) {
            throw new UiRoutes.BadInput("error.input.rejected");
        }
        boolean contact = "yes".equals(ctx.formParam("contact"));
        if (feeling == null && (words == null || words.isBlank()) && !contact) {
            throw new UiRoutes.BadInput("error.input.missing.feedback");
        }
        care.feedback().give(me, new ParentFeedback.Answer(feeling, words, contact));
        ctx.redirect("/me?thanks=1#feedback", HttpStatus.SEE_OTHER);
    }

    private void readFeedback(Context ctx, Actor me, Lang lang) {
        List<ParentFeedback.Given> given = care.feedback().read(me);
        Map<String, Object> model = pages.model(ctx, me, lang, "feedback.list.title");
        model.put("given", given);
        model.put("orgNames", care.caseloads().organisationNames());
        model.put("withNames", me.role() == Role.SUBSTANCE_ABUSE_WORKER);
        pages.render(ctx, 200, "feedback", model, lang);
    }
}
