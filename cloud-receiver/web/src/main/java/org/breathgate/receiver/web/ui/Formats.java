package org.breathgate.receiver.web.ui;

import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.PerMilleFactor;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Objects;

/**
 * Dates, times and numbers as a reader of {@code lang} expects them, in the service's time zone
 * (Europe/Helsinki by default): {@code 9.3.2026 8.00} in Finnish (the JDK's CLDR medium date and short time), {@code 9 Mar 2026, 08:00} in English. Public only
 * because the templates call it (as {@code fmt}) by reflection.
 */
public final class Formats {

    private final Lang lang;
    private final ZoneId zone;
    private final DateTimeFormatter dateTime;
    private final DateTimeFormatter date;
    private final DateTimeFormatter time;

    public Formats(Lang lang, ZoneId zone) {
        this.lang = Objects.requireNonNull(lang, "lang");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.dateTime = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(lang.locale()).withZone(zone);
        this.date = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(lang.locale()).withZone(zone);
        this.time = DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(lang.locale()).withZone(zone);
    }

    public Lang lang() {
        return lang;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Date and time, or an empty string for {@code null}. */
    public String dateTime(Instant at) {
        return at == null ? "" : dateTime.format(at);
    }

    public String date(Instant at) {
        return at == null ? "" : date.format(at);
    }

    public String date(LocalDate day) {
        return day == null ? "" : date.format(day.atStartOfDay(zone));
    }

    /** The last day a period ending (exclusively) at {@code end} covers: how people say "until". */
    public String lastDay(Instant end) {
        return end == null ? "" : date.format(end.minusMillis(1));
    }

    public String time(Instant at) {
        return at == null ? "" : time.format(at);
    }

    /** A short day label for the chart's axis, e.g. {@code 9.3.} or {@code 9 Mar}. */
    public String dayLabel(Instant at) {
        DateTimeFormatter f = lang == Lang.EN ? DateTimeFormatter.ofPattern("d MMM", lang.locale()) : DateTimeFormatter.ofPattern("d.M.", lang.locale());
        return f.withZone(zone).format(at);
    }

    /** Milligrams per litre of breath with three decimals, e.g. {@code 0,250} (fi, sv) or {@code 0.250} (en). */
    public String mgPerLitre(BreathAlcohol value) {
        return decimal(value.milligramsPerLitre(), 3);
    }

    /** The per-mille estimate through {@code factor}, two decimals. */
    public String perMille(BreathAlcohol value, PerMilleFactor factor) {
        return decimal(value.perMille(factor), 2);
    }

    public String decimal(BigDecimal value, int decimals) {
        NumberFormat f = NumberFormat.getNumberInstance(lang.locale());
        f.setMinimumFractionDigits(decimals);
        f.setMaximumFractionDigits(decimals);
        return f.format(value);
    }

    public String integer(long value) {
        return NumberFormat.getIntegerInstance(lang.locale()).format(value);
    }

    /**
     * A date as the page's language writes it in a text field: {@code 9.3.2026} (fi, sv) or {@code 09/03/2026} (en, day
     * first). Date fields are text fields, not {@code type="date"}, whose picker follows the browser's own locale (a US
     * browser shows month first beside Finnish dates on the page).
     */
    public String inputDate(LocalDate day) {
        return day == null ? "" : inputFormat().format(day);
    }

    /** The hint under a date field: {@code pp.kk.vvvv}, {@code dd.mm.åååå}, {@code dd/mm/yyyy}. */
    public String inputDatePattern() {
        return lang == Lang.FI ? "pp.kk.vvvv" : lang == Lang.SV ? "dd.mm.åååå" : "dd/mm/yyyy";
    }

    /**
     * A date typed as any of the pages' languages write it ({@code 9.3.2026}, {@code 9/3/2026}, day first) or in ISO form
     * ({@code 2026-03-09}): the separators tell them apart, so a link made in one language still reads in another (switching
     * the language keeps the period).
     *
     * @throws java.time.format.DateTimeParseException if it is none of them
     */
    public LocalDate parseDate(String text) {
        String t = text == null ? "" : text.strip();
        if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
            return LocalDate.parse(t);
        }
        return LocalDate.parse(t, DateTimeFormatter.ofPattern(t.contains("/") ? "d/M/uuuu" : "d.M.uuuu", lang.locale())
                .withResolverStyle(java.time.format.ResolverStyle.STRICT));
    }

    private DateTimeFormatter inputFormat() {
        return DateTimeFormatter.ofPattern(lang == Lang.EN ? "d/M/uuuu" : "d.M.uuuu", lang.locale())
                .withResolverStyle(java.time.format.ResolverStyle.STRICT);
    }

    /** A value for an HTML {@code <input type="date">}: ISO {@code 2026-03-09} in the service's zone. */
    public String isoDate(Instant at) {
        return at == null ? "" : DateTimeFormatter.ISO_LOCAL_DATE.withZone(zone).format(at);
    }
}
