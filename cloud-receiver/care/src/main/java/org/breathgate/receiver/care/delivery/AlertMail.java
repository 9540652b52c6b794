package org.breathgate.receiver.care.delivery;

import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

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
record AlertMail(String subject, String body, String language) {

    private static final List<String> LANGUAGES = List.of("fi", "sv", "en");
    /** The texts per language, from {@code i18n/mail_<language>.properties} (UTF-8). */
    private static final Map<String, Map<String, String>> TEXT = loadTexts();

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
        return of(alert, reason, language, signInUrl, zone, false);
    }

    /**
     * As above; for a technician ({@code forTechnician}) the mail names the device instead of the client: technicians look
     * after devices and are not told whose case it is.
     */
    public static AlertMail of(Alert alert, String reason, String language, String signInUrl, ZoneId zone, boolean forTechnician) {
        Map<String, String> t = texts(language);
        if (!t.containsKey("subject." + reason)) {
            throw new IllegalArgumentException("unknown delivery reason " + reason);
        }
        Instant at = reason.equals("escalate") || reason.equals("update") ? alert.updatedAt() : alert.raisedAt();
        DateTimeFormatter format = DateTimeFormatter.ofPattern(t.get("time.pattern"), Locale.forLanguageTag(language)).withZone(zone);
        String nl = "\r\n";
        StringBuilder body = new StringBuilder()
                .append(t.get("greeting")).append(nl).append(nl)
                .append(t.get((forTechnician ? "intro.device." : "intro.") + reason)).append(nl).append(nl)
                .append(t.get("what")).append(": ").append(kindName(alert.kind(), language)).append(nl)
                .append(forTechnician ? t.get("device") : t.get("client")).append(": ")
                .append(forTechnician ? alert.deviceId() : alert.clientId()).append(nl)
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

    /**
     * The notice to a technician that a device is offline: the device id and when it was last heard, nothing about a client.
     *
     * @param signInUrl the link to sign in at, or {@code null}
     */
    public static AlertMail offline(String deviceId, Instant lastHeard, String language, String signInUrl, ZoneId zone) {
        Map<String, String> t = texts(language);
        DateTimeFormatter format = DateTimeFormatter.ofPattern(t.get("time.pattern"), Locale.forLanguageTag(language)).withZone(zone);
        String nl = "\r\n";
        StringBuilder body = new StringBuilder()
                .append(t.get("greeting")).append(nl).append(nl)
                .append(t.get("offline.intro")).append(nl).append(nl)
                .append(t.get("offline.device")).append(": ").append(deviceId).append(nl)
                .append(t.get("offline.since")).append(": ").append(format.format(lastHeard)).append(" (").append(zone.getId()).append(")")
                .append(nl).append(nl);
        if (signInUrl != null) {
            body.append(t.get("offline.signin")).append(nl).append(signInUrl).append(nl).append(nl);
        }
        body.append(t.get("privacy")).append(nl);
        return new AlertMail(t.get("offline.subject"), body.toString(), language);
    }

    private static Map<String, Map<String, String>> loadTexts() {
        Map<String, Map<String, String>> all = new HashMap<>();
        for (String language : LANGUAGES) {
            String resource = "/i18n/mail_" + language + ".properties";
            try (InputStream in = AlertMail.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource);
                }
                Properties p = new Properties();
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                Map<String, String> texts = new HashMap<>();
                p.stringPropertyNames().forEach(k -> texts.put(k, p.getProperty(k)));
                all.put(language, Map.copyOf(texts));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }
        return Map.copyOf(all);
    }

    private static Map<String, String> texts(String language) {
        Map<String, String> t = TEXT.get(language);
        if (t == null) {
            throw new IllegalArgumentException("no texts in language '" + language + "'; fi, sv and en are written");
        }
        return t;
    }
}
