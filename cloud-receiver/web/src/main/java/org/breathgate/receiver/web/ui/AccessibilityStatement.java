package org.breathgate.receiver.web.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The accessibility statement's facts (law 306/2019): when it was made and checked, how, the known gaps and the supervising
 * authority, from {@value #RESOURCE} (kept beside the browser tests as {@code cloud-receiver/web/src/test/accessibility/
 * statement.properties}, which tolerate exactly the axe-core findings its gaps name). The page {@code /accessibility}
 * shows it; the conformance state follows from the gaps: none, fully; some, partially.
 */
public final class AccessibilityStatement {

    public static final String RESOURCE = "ui/accessibility/statement.properties";

    /**
     * A known gap: what is not accessible and why, in each language.
     *
     * @param axeRule   the axe-core rule the browser tests tolerate for it, or {@code null}
     * @param axeTarget the CSS selector the tolerated element's target must contain, or {@code null}
     */
    public record Gap(String id, String wcag, String axeRule, String axeTarget, Map<Lang, String> what, Map<Lang, String> why) {
        public Gap {
            Objects.requireNonNull(id, "id");
            what = Map.copyOf(what);
            why = Map.copyOf(why);
        }

        /** What is not accessible, in {@code lang}. */
        public String what(Lang lang) {
            return what.get(lang);
        }

        /** Why, in {@code lang}. */
        public String why(Lang lang) {
            return why.get(lang);
        }
    }

    /** The supervising authority's name in each language and how to reach it (e-mail and phone may be {@code null}). */
    public record Authority(Map<Lang, String> name, String web, String email, String phone) {
        public String name(Lang lang) {
            return name.get(lang);
        }
    }

    private final LocalDate prepared;
    private final LocalDate reviewed;
    private final Map<Lang, String> method;
    private final Authority authority;
    private final List<Gap> gaps;

    private AccessibilityStatement(LocalDate prepared, LocalDate reviewed, Map<Lang, String> method, Authority authority, List<Gap> gaps) {
        this.prepared = prepared;
        this.reviewed = reviewed;
        this.method = Map.copyOf(method);
        this.authority = authority;
        this.gaps = List.copyOf(gaps);
    }

    /** The statement on the classpath. */
    public static AccessibilityStatement load() {
        Properties p = new Properties();
        try (InputStream in = AccessibilityStatement.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the receiver jar lacks " + RESOURCE);
            }
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        List<Gap> gaps = new ArrayList<>();
        for (String id : required(p, "gaps").split(",")) {
            String g = "gap." + id.strip() + ".";
            if (id.isBlank()) {
                continue;
            }
            gaps.add(new Gap(id.strip(), required(p, g + "wcag"), blankToNull(p.getProperty(g + "axe")), blankToNull(p.getProperty(g + "target")),
                    perLanguage(p, g + "what"), perLanguage(p, g + "why")));
        }
        Authority authority = new Authority(perLanguage(p, "authority.name"), required(p, "authority.web"),
                blankToNull(p.getProperty("authority.email")), blankToNull(p.getProperty("authority.phone")));
        return new AccessibilityStatement(LocalDate.parse(required(p, "prepared")), LocalDate.parse(required(p, "reviewed")),
                perLanguage(p, "method"), authority, gaps);
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(RESOURCE + " lacks " + key);
        }
        return v.strip();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Map<Lang, String> perLanguage(Properties p, String prefix) {
        Map<Lang, String> texts = new java.util.EnumMap<>(Lang.class);
        for (Lang lang : Lang.values()) {
            texts.put(lang, required(p, prefix + "." + lang.code()));
        }
        return texts;
    }

    public LocalDate prepared() {
        return prepared;
    }

    public LocalDate reviewed() {
        return reviewed;
    }

    /** How the pages were assessed, in {@code lang}. */
    public String method(Lang lang) {
        return method.get(lang);
    }

    public Authority authority() {
        return authority;
    }

    public List<Gap> gaps() {
        return gaps;
    }

    /** Whether the pages fully meet WCAG 2.1 AA: no known gap. */
    public boolean fullyConforms() {
        return gaps.isEmpty();
    }

    /** The gap that tolerates axe rule {@code rule} at an element whose target is {@code target}, if one does. */
    public Optional<Gap> toleratedGap(String rule, String target) {
        return gaps.stream().filter(g -> rule.equals(g.axeRule()) && (g.axeTarget() == null || target.contains(g.axeTarget()))).findFirst();
    }
}
