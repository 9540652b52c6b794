package org.breathgate.receiver.care.delivery;

import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The e-mail a worker gets about an alert, in their language (fi, sv, en).
 *
 * <p>E-mail travels and is stored outside the service's control, so it says only what a worker needs to act: that
 * there is an alert, its kind, the client's reference (the client id, never the display name), the time, and a link
 * to sign in. No result value, per-mille figure, note or name: those are seen after signing in, where every look is
 * audited. The subject says only "alert", since subjects show on lock screens.
 *
 * @param subject the subject line
 * @param body    the plain-text body
 * @param language the body's language code
 */
public record AlertMail(String subject, String body, String language) {

    private static final Map<String, Map<String, String>> TEXT = Map.of(
            "fi", Map.ofEntries(
                    Map.entry("subject.raise", "Breathgate: uusi hälytys"),
                    Map.entry("subject.update", "Breathgate: hälytys on päivittynyt"),
                    Map.entry("subject.escalate", "Breathgate: hälytystä ei ole vielä kuitattu"),
                    Map.entry("greeting", "Hei,"),
                    Map.entry("intro.raise", "Breathgatessa on uusi hälytys asiakkaastasi."),
                    Map.entry("intro.update", "Asiakkaasi hälytys Breathgatessa on päivittynyt."),
                    Map.entry("intro.escalate", "Kukaan ei ole vielä kuitannut tätä hälytystä sovitussa ajassa."),
                    Map.entry("what", "Hälytys"),
                    Map.entry("client", "Asiakas"),
                    Map.entry("when", "Aika"),
                    Map.entry("signin", "Kirjaudu sisään nähdäksesi tiedot ja kuitataksesi hälytyksen:"),
                    Map.entry("signin.nolink", "Kirjaudu Breathgateen nähdäksesi tiedot ja kuitataksesi hälytyksen."),
                    Map.entry("privacy", "Yksityisyyden suojaamiseksi tässä viestissä ei ole tuloksia eikä muita tietoja. "
                            + "Viesti on lähetetty automaattisesti; vastauksia ei lueta."),
                    Map.entry("time.pattern", "d.M.yyyy 'klo' H.mm"),
                    Map.entry("CONFIRMED_POSITIVE", "Vahvistettu positiivinen testi"),
                    Map.entry("OVER_THRESHOLD", "Testitulos yli asiakkaan hälytysrajan"),
                    Map.entry("MISSED_TEST", "Sovittu testi jäi tekemättä"),
                    Map.entry("TAMPER", "Laite ilmoitti peukaloinnista tai viasta"),
                    Map.entry("DEVICE_SILENT", "Laitteesta ei ole kuulunut mitään"),
                    Map.entry("SUPPORT_REQUEST", "Vanhempi pyysi tukea"),
                    Map.entry("PHOTO_MISMATCH", "Testin kuva ei vastaa asiakkaan viitekuvaa"),
                    Map.entry("kind.other", "Hälytys")),
            "sv", Map.ofEntries(
                    Map.entry("subject.raise", "Breathgate: nytt larm"),
                    Map.entry("subject.update", "Breathgate: ett larm har uppdaterats"),
                    Map.entry("subject.escalate", "Breathgate: ett larm har ännu inte kvitterats"),
                    Map.entry("greeting", "Hej,"),
                    Map.entry("intro.raise", "Det finns ett nytt larm om din klient i Breathgate."),
                    Map.entry("intro.update", "Ett larm om din klient i Breathgate har uppdaterats."),
                    Map.entry("intro.escalate", "Ingen har ännu kvitterat det här larmet inom avtalad tid."),
                    Map.entry("what", "Larm"),
                    Map.entry("client", "Klient"),
                    Map.entry("when", "Tid"),
                    Map.entry("signin", "Logga in för att se uppgifterna och kvittera larmet:"),
                    Map.entry("signin.nolink", "Logga in i Breathgate för att se uppgifterna och kvittera larmet."),
                    Map.entry("privacy", "Av integritetsskäl innehåller meddelandet inga resultat eller andra uppgifter. "
                            + "Meddelandet skickas automatiskt; svar läses inte."),
                    Map.entry("time.pattern", "d.M.yyyy 'kl.' HH.mm"),
                    Map.entry("CONFIRMED_POSITIVE", "Bekräftat positivt test"),
                    Map.entry("OVER_THRESHOLD", "Testresultat över klientens larmgräns"),
                    Map.entry("MISSED_TEST", "Ett avtalat test gjordes inte"),
                    Map.entry("TAMPER", "Enheten rapporterade manipulering eller fel"),
                    Map.entry("DEVICE_SILENT", "Inget har hörts från enheten"),
                    Map.entry("SUPPORT_REQUEST", "Föräldern bad om stöd"),
                    Map.entry("PHOTO_MISMATCH", "Bilden från testet motsvarar inte klientens referensbild"),
                    Map.entry("kind.other", "Larm")),
            "en", Map.ofEntries(
                    Map.entry("subject.raise", "Breathgate: new alert"),
                    Map.entry("subject.update", "Breathgate: an alert was updated"),
                    Map.entry("subject.escalate", "Breathgate: an alert is not yet acknowledged"),
                    Map.entry("greeting", "Hello,"),
                    Map.entry("intro.raise", "There is a new alert about your client in Breathgate."),
                    Map.entry("intro.update", "An alert about your client in Breathgate was updated."),
                    Map.entry("intro.escalate", "Nobody has acknowledged this alert within the agreed time yet."),
                    Map.entry("what", "Alert"),
                    Map.entry("client", "Client"),
                    Map.entry("when", "Time"),
                    Map.entry("signin", "Please sign in to see the details and acknowledge the alert:"),
                    Map.entry("signin.nolink", "Please sign in to Breathgate to see the details and acknowledge the alert."),
                    Map.entry("privacy", "For privacy, this message contains no results or other details. "
                            + "It was sent automatically; replies are not read."),
                    Map.entry("time.pattern", "d MMM yyyy HH:mm"),
                    Map.entry("CONFIRMED_POSITIVE", "Confirmed positive test"),
                    Map.entry("OVER_THRESHOLD", "Test result over the client's alert threshold"),
                    Map.entry("MISSED_TEST", "A scheduled test was not taken"),
                    Map.entry("TAMPER", "The device reported a tamper or fault signal"),
                    Map.entry("DEVICE_SILENT", "Nothing has been heard from the device"),
                    Map.entry("SUPPORT_REQUEST", "The parent asked for support"),
                    Map.entry("PHOTO_MISMATCH", "The photo taken at a test does not match the client's reference photo"),
                    Map.entry("kind.other", "Alert")));

    public AlertMail {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(language, "language");
    }

    /** The localised name of an alert kind; a kind added later without a text yet gets a plain "Alert" rather than no mail. */
    public static String kindName(AlertKind kind, String language) {
        Map<String, String> t = texts(language);
        return t.getOrDefault(kind.name(), t.get("kind.other"));
    }

    /** Whether {@code kind} has its own text in {@code language} (a test keeps every kind named). */
    public static boolean named(AlertKind kind, String language) {
        return texts(language).containsKey(kind.name());
    }

    /**
     * The mail about {@code alert} for a command of {@code reason} ({@code raise}, {@code update}, {@code escalate}).
     *
     * @param signInUrl the link to sign in at, or {@code null} (the mail then says to sign in without a link)
     * @param zone      the zone times are shown in
     */
    public static AlertMail of(Alert alert, String reason, String language, String signInUrl, ZoneId zone) {
        Map<String, String> t = texts(language);
        if (!t.containsKey("subject." + reason)) {
            throw new IllegalArgumentException("unknown delivery reason " + reason);
        }
        Instant at = reason.equals("escalate") || reason.equals("update") ? alert.updatedAt() : alert.raisedAt();
        DateTimeFormatter format = DateTimeFormatter.ofPattern(t.get("time.pattern"), Locale.forLanguageTag(language)).withZone(zone);
        String nl = "\r\n";
        StringBuilder body = new StringBuilder()
                .append(t.get("greeting")).append(nl).append(nl)
                .append(t.get("intro." + reason)).append(nl).append(nl)
                .append(t.get("what")).append(": ").append(kindName(alert.kind(), language)).append(nl)
                .append(t.get("client")).append(": ").append(alert.clientId()).append(nl)
                .append(t.get("when")).append(": ").append(format.format(at)).append(" (").append(zone.getId()).append(")").append(nl)
                .append(nl);
        if (signInUrl == null) {
            body.append(t.get("signin.nolink")).append(nl);
        } else {
            body.append(t.get("signin")).append(nl).append(signInUrl).append(nl);
        }
        body.append(nl).append(t.get("privacy")).append(nl);
        return new AlertMail(t.get("subject." + reason), body.toString(), language);
    }

    private static Map<String, String> texts(String language) {
        Map<String, String> t = TEXT.get(language);
        if (t == null) {
            throw new IllegalArgumentException("no texts in language '" + language + "'; fi, sv and en are written");
        }
        return t;
    }
}
