package org.breathgate.receiver.web.ui;

import java.util.Locale;
import java.util.Optional;

/** The languages of the web UI: Finnish (the default, the service's own), Swedish and English. */
public enum Lang {
    FI(new Locale("fi", "FI")),
    SV(new Locale("sv", "FI")),
    EN(new Locale("en", "GB"));

    private final Locale locale;

    Lang(Locale locale) {
        this.locale = locale;
    }

    /** The locale for texts, dates and numbers (Finland's conventions for fi and sv). */
    public Locale locale() {
        return locale;
    }

    /** The code used in the {@code lang} attribute, links and the cookie: {@code fi}, {@code sv}, {@code en}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The language with {@code code}, if it is one of ours. */
    public static Optional<Lang> of(String code) {
        if (code == null) {
            return Optional.empty();
        }
        for (Lang l : values()) {
            if (l.code().equalsIgnoreCase(code.trim())) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** The first of ours named in an {@code Accept-Language} header, else Finnish. */
    static Lang fromAcceptLanguage(String header) {
        if (header == null || header.isBlank()) {
            return FI;
        }
        try {
            for (Locale.LanguageRange range : Locale.LanguageRange.parse(header)) {
                String tag = range.getRange();
                Optional<Lang> lang = of(tag.length() >= 2 ? tag.substring(0, 2) : tag);
                if (lang.isPresent()) {
                    return lang.get();
                }
            }
        } catch (IllegalArgumentException e) {
            return FI; // a malformed header is the browser's problem, not the reader's
        }
        return FI;
    }
}
