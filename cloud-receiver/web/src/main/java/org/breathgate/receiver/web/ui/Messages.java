package org.breathgate.receiver.web.ui;

import org.breathgate.receiver.care.chart.ChartModel;

import com.ibm.icu.text.MessageFormat;
import java.util.EnumMap;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The UI's texts in Finnish, Swedish and English, from {@code ui/i18n/messages_<lang>.properties}
 * (UTF-8), and the timeline's shared texts ({@code i18n/timeline_<lang>.properties} of the care room). A missing key shows as {@code ??key??}, so a forgotten translation is visible, never silent;
 * {@code UiMessagesTest} checks that the three files hold the same keys. Every text goes through
 * ICU {@link MessageFormat} (plural rules: {@code {0,plural,one{# test} other{# tests}}}), so an apostrophe is written {@code ''} in the files.
 */
public final class Messages {

    static final String BUNDLE = "ui.i18n.messages";

    private final Map<Lang, ResourceBundle> bundles = new EnumMap<>(Lang.class);
    private final Map<Lang, ResourceBundle> timeline = new EnumMap<>(Lang.class);

    public Messages() {
        for (Lang lang : Lang.values()) {
            bundles.put(lang, load(BUNDLE, lang));
            timeline.put(lang, load(ChartModel.BUNDLE, lang));
        }
    }

    private static ResourceBundle load(String name, Lang lang) {
        return ResourceBundle.getBundle(name, lang.locale(), Messages.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    /**
     * The text for {@code key} in {@code lang}, with {@code args} put in its {@code {0}}, {@code {1}}, ... places: from the
     * pages' own texts, else from the timeline's (what events are called: the table, the chart and the PDF say it alike).
     */
    public String get(Lang lang, String key, Object... args) {
        String pattern;
        try {
            pattern = bundles.get(lang).containsKey(key) ? bundles.get(lang).getString(key) : timeline.get(lang).getString(key);
        } catch (MissingResourceException e) {
            return "??" + key + "??";
        }
        return new MessageFormat(pattern, lang.locale()).format(args);
    }

    /** Whether {@code key} exists (in Finnish, which {@code UiMessagesTest} holds the others to). */
    public boolean has(String key) {
        return bundles.get(Lang.FI).containsKey(key) || timeline.get(Lang.FI).containsKey(key);
    }

    ResourceBundle bundle(Lang lang) {
        return bundles.get(lang);
    }
}
