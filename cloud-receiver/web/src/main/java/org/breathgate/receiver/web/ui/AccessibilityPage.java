package org.breathgate.receiver.web.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.breathgate.care.access.Actor;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.web.auth.WebAuth;

import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/**
 * The accessibility statement (saavutettavuusseloste, law 306/2019 section 15) at {@value #PATH}, in the reader's language,
 * open to everyone (signed in or not) and linked from every page's footer: the conformance state, what is not accessible
 * and why, how it was assessed, how to give feedback, and the supervising authority. Its facts are
 * {@link AccessibilityStatement}'s, the file the browser tests keep true.
 */
public final class AccessibilityPage implements HttpsRoutes {

    public static final String PATH = "/accessibility";

    private final WebAuth auth;
    private final Pages pages;
    private final AccessibilityStatement statement = AccessibilityStatement.load();
    private final String contact;

    /**
     * @param contact where feedback goes (the {@code web.accessibility-contact} setting), or {@code null}: then the page
     *                tells people to ask their worker or the service
     */
    public AccessibilityPage(WebAuth auth, ZoneId zone, String contact) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.pages = new Pages(auth, zone);
        this.contact = contact;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PATH, this::show);
    }

    private void show(Context ctx) {
        Lang lang = pages.lang(ctx);
        Actor me = auth.actor(ctx).orElse(null);
        Map<String, Object> model = pages.model(ctx, me, lang, "a11y.title");
        Formats fmt = new Formats(lang, ZoneId.of("Europe/Helsinki"));
        model.put("statement", statement);
        model.put("langValue", lang);
        model.put("prepared", fmt.date(statement.prepared()));
        model.put("reviewed", fmt.date(statement.reviewed()));
        model.put("contact", contact);
        model.put("contactIsMail", contact != null && contact.contains("@") && !contact.contains("/"));
        model.put("contactIsWeb", contact != null && contact.startsWith("https://"));
        pages.render(ctx, 200, "accessibility", model, lang);
    }
}
